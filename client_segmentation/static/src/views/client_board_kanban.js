import {formatMonetary} from "@web/views/fields/formatters";
import {onWillStart} from "@odoo/owl";
import {AnimatedNumber} from "@web/views/view_components/animated_number";
import {ColumnProgress} from "@web/views/view_components/column_progress";
import {getCurrency} from "@web/core/currency";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {KanbanHeader} from "@web/views/kanban/kanban_header";
import {KanbanRenderer} from "@web/views/kanban/kanban_renderer";
import {kanbanView} from "@web/views/kanban/kanban_view";

/**
 * The revenue sum of a column in one short form for every column ("80k",
 * "309k", never "80,080" beside "309k"), the exact amount in its tooltip.
 */
export class ClientBoardAmount extends AnimatedNumber {
    format(value) {
        return this.formatInteger(value, {
            humanReadable: true,
            decimals: 0,
            minDigits: 1,
        });
    }
}

export class ClientBoardColumnProgress extends ColumnProgress {
    static components = {
        ...ColumnProgress.components,
        AnimatedNumber: ClientBoardAmount,
    };
}

/**
 * Segmentation boards: the column header shows the number of clients next to
 * the title even when the progress bar shows the revenue sum, and marks the
 * funnel stages that follow the purchases (no drop there) before a drag.
 */
export class ClientBoardKanbanHeader extends KanbanHeader {
    static template = "client_segmentation.ClientBoardKanbanHeader";
    static components = {
        ...KanbanHeader.components,
        ColumnProgress: ClientBoardColumnProgress,
    };

    /**
     * The revenue sum with the company's currency (the engine's figures are
     * in the currency of the current company).
     */
    get groupAggregate() {
        const aggregate = super.groupAggregate;
        const {sumField} = this.props.progressBarState.progressAttributes;
        const currencyId = this.props.list.model.clientCurrencyId;
        if (!sumField || !currencyId) {
            return aggregate;
        }
        const amount = formatMonetary(aggregate.value, {currencyId});
        return {
            ...aggregate,
            currency: getCurrency(currencyId),
            title: `${aggregate.title}: ${amount}`,
        };
    }

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
        const company = useService("company");
        onWillStart(async () => {
            const list = this.props.list;
            // Read once per board, before the column headers render.
            const [stageIds, companies] = await Promise.all([
                this.orm.search("client.funnel.stage", [["is_automatic", "=", true]]),
                this.orm.read(
                    "res.company",
                    [company.currentCompany.id],
                    ["currency_id"]
                ),
            ]);
            list.model.clientAutomaticStageIds = stageIds;
            list.model.clientCurrencyId = companies[0]?.currency_id?.[0];
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
