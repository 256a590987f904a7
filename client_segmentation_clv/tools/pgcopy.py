"""PostgreSQL's binary COPY format for columns of fixed width, to and from
numpy arrays: a million rows are read or written in one COPY without a
Python object per row (``COPY ... TO STDOUT (FORMAT binary)`` /
``COPY ... FROM STDIN (FORMAT binary)``).

Supported column types and their numpy dtypes (big-endian on the wire):
``int2`` (>i2), ``int4`` (>i4), ``int8`` (>i8), ``float8`` (>f8) and
``date`` (>i4: days since 2000-01-01, PostgreSQL's own epoch). Columns must
be NOT NULL (a NULL field has no data, which breaks the fixed layout; use a
NaN float8 and ``NULLIF`` in SQL instead).
"""

import datetime

import numpy as np

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
HEADER = SIGNATURE + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
TRAILER = b"\xff\xff"
TYPES = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float8": ">f8", "date": ">i4"}
EPOCH = datetime.date(2000, 1, 1)


def _row_dtype(types):
    fields = [("count", ">i2")]
    for i, kind in enumerate(types):
        fields += [(f"len{i}", ">i4"), (f"col{i}", TYPES[kind])]
    return np.dtype(fields)


def read(data, types):
    """Columns of a binary COPY output ``data`` (bytes) of columns of
    ``types``: a list of native-endian numpy arrays. Raises ValueError on
    anything else (a NULL, another width, a header extension)."""
    data = memoryview(data)
    if bytes(data[: len(SIGNATURE)]) != SIGNATURE:
        raise ValueError("not a binary COPY output")
    extension = int.from_bytes(data[15:19], "big")
    start = 19 + extension
    if bytes(data[-2:]) != TRAILER:
        raise ValueError("binary COPY output without its trailer")
    dtype = _row_dtype(types)
    body = data[start:-2]
    if len(body) % dtype.itemsize:
        raise ValueError("binary COPY rows of unexpected width (a NULL?)")
    rows = np.frombuffer(body, dtype=dtype)
    if len(rows) and np.any(rows["count"] != len(types)):
        raise ValueError("binary COPY rows with another number of columns")
    columns = []
    for i, kind in enumerate(types):
        width = np.dtype(TYPES[kind]).itemsize
        if len(rows) and np.any(rows[f"len{i}"] != width):
            raise ValueError(f"column {i}: NULL or not {kind}")
        columns.append(rows[f"col{i}"].astype(TYPES[kind][1:]))
    return columns


class Writer:
    """The binary COPY input of the equal-length arrays ``columns`` of
    ``types``, as a file for ``cursor.copy_expert``: ``read()`` encodes the
    next ``rows`` rows (the header first, the trailer last, then ``b""``),
    so that a million rows never sit encoded in memory at once."""

    def __init__(self, columns, types, rows=65536):
        self.length = len(columns[0]) if columns else 0
        if any(len(column) != self.length for column in columns):
            raise ValueError("columns of different lengths")
        self.columns = columns
        self.types = types
        self.dtype = _row_dtype(types)
        self.rows = rows
        self.position = 0
        self.state = "header"

    def _encode(self, start, stop):
        rows = np.empty(stop - start, dtype=self.dtype)
        rows["count"] = len(self.types)
        for i, (column, kind) in enumerate(zip(self.columns, self.types, strict=True)):
            rows[f"len{i}"] = np.dtype(TYPES[kind]).itemsize
            rows[f"col{i}"] = column[start:stop]
        return rows.tobytes()

    # the file protocol of copy_expert, not Odoo's read(): no super to call
    def read(self, size=-1):  # pylint: disable=method-required-super
        if self.state == "header":
            self.state = "rows"
            return HEADER
        if self.position < self.length:
            stop = min(self.position + self.rows, self.length)
            data = self._encode(self.position, stop)
            self.position = stop
            return data
        if self.state == "rows":
            self.state = "done"
            return TRAILER
        return b""


def write(columns, types):
    """The whole binary COPY input of ``columns`` (bytes; see Writer)."""
    writer = Writer(columns, types)
    return b"".join(iter(writer.read, b""))


def to_dates(days):
    """PostgreSQL day numbers (since 2000-01-01) as ``datetime.date``."""
    return [EPOCH + datetime.timedelta(days=int(day)) for day in days]


def from_date(day):
    """``datetime.date`` as a PostgreSQL day number."""
    return (day - EPOCH).days
