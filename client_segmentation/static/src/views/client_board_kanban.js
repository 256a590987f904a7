import {onWillStart} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {KanbanHeader} from "@web/views/kanban/kanban_header";
import {KanbanRenderer} from "@web/views/kanban/kanban_renderer";
import {kanbanView} from "@web/views/kanban/kanban_view";

/**
 * Segmentation boards: the column header shows the number of clients next to
 * the title even when the progress bar shows the revenue sum, and marks the
 * funnel stages that follow the purchases (no drop there) before a drag.
 */
export class ClientBoardKanbanHeader extends KanbanHeader {
    static template = "client_segmentation.ClientBoardKanbanHeader";

    get isAutomaticStage() {
        const automatic = this.props.list.model.clientAutomaticStageIds || [];
        return (
            this.group.groupByField.name === "funnel_stage_id" &&
            automatic.includes(this.group.value)
        );
    }
}

export class ClientBoardKanbanRenderer extends KanbanRenderer {
    static components = {
        ...KanbanRenderer.components,
        KanbanHeader: ClientBoardKanbanHeader,
    };

    setup() {
        super.setup();
        this.action = useService("action");
        this.orm = useService("orm");
        onWillStart(async () => {
            const list = this.props.list;
            // Read once per board, before the column headers render.
            list.model.clientAutomaticStageIds = await this.orm.search(
                "client.funnel.stage",
                [["is_automatic", "=", true]]
            );
            // The clients still to classify are work to do: their column
            // opens unfolded (the web client folds empty many2one groups).
            if (list.isGrouped && list.groupByField.name === "client_type_id") {
                for (const group of list.groups) {
                    if (!group.value && group.isFolded) {
                        await group.toggle();
                    }
                }
            }
        });
    }

    /**
     * Columns without a value (no ABC class, no typology) come last, after
     * the real classes and types, instead of first.
     */
    getGroupsOrRecords() {
        const items = super.getGroupsOrRecords();
        if (!this.props.list.isGrouped) {
            return items;
        }
        return [
            ...items.filter((item) => item.group.value),
            ...items.filter((item) => !item.group.value),
        ];
    }

    /**
     * A client dropped on a red funnel stage needs a refusal reason: ask for it
     * (client.refusal.wizard writes stage and reason together) instead of
     * moving the card; the board reloads when the dialog closes.
     */
    async sortRecordDrop(dataRecordId, dataGroupId, params) {
        const list = this.props.list;
        const targetGroupId = params.parent?.dataset.id;
        if (
            list.isGrouped &&
            list.groupByField.name === "funnel_stage_id" &&
            targetGroupId &&
            targetGroupId !== dataGroupId
        ) {
            const target = list.groups.find((group) => group.id === targetGroupId);
            const source = list.groups.find((group) => group.id === dataGroupId);
            const record = source?.list.records.find((rec) => rec.id === dataRecordId);
            if (target?.value && record) {
                const [stage] = await this.orm.read(
                    "client.funnel.stage",
                    [target.value],
                    ["requires_reason"]
                );
                if (stage?.requires_reason) {
                    params.parent.classList.remove("o_kanban_hover");
                    await this.action.doAction(
                        "client_segmentation.client_refusal_wizard_action",
                        {
                            additionalContext: {
                                default_partner_ids: [record.resId],
                                default_stage_id: target.value,
                            },
                            onClose: () => list.load(),
                        }
                    );
                    return;
                }
            }
        }
        return super.sortRecordDrop(dataRecordId, dataGroupId, params);
    }
}

export const clientBoardKanbanView = {
    ...kanbanView,
    Renderer: ClientBoardKanbanRenderer,
};

registry.category("views").add("client_segmentation_board", clientBoardKanbanView);
