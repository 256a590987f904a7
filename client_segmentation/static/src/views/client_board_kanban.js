import { registry } from "@web/core/registry";
import { KanbanHeader } from "@web/views/kanban/kanban_header";
import { KanbanRenderer } from "@web/views/kanban/kanban_renderer";
import { kanbanView } from "@web/views/kanban/kanban_view";

/**
 * Segmentation boards: the column header shows the number of clients next to
 * the title even when the progress bar shows the revenue sum.
 */
export class ClientBoardKanbanHeader extends KanbanHeader {
    static template = "client_segmentation.ClientBoardKanbanHeader";
}

export class ClientBoardKanbanRenderer extends KanbanRenderer {
    static components = {
        ...KanbanRenderer.components,
        KanbanHeader: ClientBoardKanbanHeader,
    };
}

export const clientBoardKanbanView = {
    ...kanbanView,
    Renderer: ClientBoardKanbanRenderer,
};

registry.category("views").add("client_segmentation_board", clientBoardKanbanView);
