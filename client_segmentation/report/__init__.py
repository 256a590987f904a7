from . import client_segment_movement
