import {registry} from "@web/core/registry";

/** The column of a board whose title is exactly ``title``. */
function column(title) {
    return `.o_kanban_group:has(.o_column_title span.text-truncate:contains(/^${title}$/))`;
}

function openBoard(name) {
    return [
        {
            content: "Open the boards menu",
            trigger: '.o_menu_sections .dropdown-toggle:contains("Boards")',
            run: "click",
        },
        {
            content: `Open the ${name} board`,
            trigger: `.o-dropdown--menu .dropdown-item:contains("${name}")`,
            run: "click",
        },
        {
            content: `The ${name} board is shown`,
            trigger: `.o_breadcrumb .active:contains("${name}")`,
        },
    ];
}

registry.category("web_tour.tours").add("client_segmentation_tour", {
    steps: () => [
        {
            // the company currency beside the short sum, the exact amount in
            // its tooltip (issue 19, point 20)
            content: "The column's revenue reads in the company currency",
            trigger: `${column("Gold")} .o_animated_number[title*="1,000.00"]:has(b:contains(/^1k$/)):has(span:contains("$"))`,
        },
        {
            content: "Every funnel stage is a column, empty ones with their count",
            trigger: `${column("Platinum-Red")} .o_client_board_count:contains("(0)")`,
        },
        {
            content: "Automatic stages are marked before any drag",
            trigger: `${column("Grey")} .o_client_board_automatic`,
        },
        {
            content: "Manual stages are not",
            trigger: `${column("Yellow")}:not(:has(.o_client_board_automatic))`,
        },
        {
            content: "A company without known decision maker is grey",
            trigger: `${column("Grey")} .o_kanban_record:contains("Tour Unknown Boss")`,
        },
        {
            content: "Drag the prospect to the manual Yellow stage",
            trigger: `${column("White")} .o_kanban_record:contains("Tour Prospect")`,
            run: `drag_and_drop (${column("Yellow")})`,
        },
        {
            // o_draggable again: the move is saved (the kanban shows the card
            // in its new column before the server answers)
            content: "The prospect is now yellow",
            trigger: `${column("Yellow")} .o_kanban_record.o_draggable:contains("Tour Prospect")`,
        },
        {
            content: "Drag the prospect onto the automatic Grey stage",
            trigger: `${column("Yellow")} .o_kanban_record.o_draggable:contains("Tour Prospect")`,
            run: `drag_and_drop (${column("Grey")})`,
        },
        {
            content: "The move is refused with a clear message",
            trigger: '.modal-body:contains("is set automatically")',
        },
        {
            content: "Close the message",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The prospect stayed yellow",
            trigger: `body:not(:has(.modal)) ${column("Yellow")} .o_kanban_record:contains("Tour Prospect")`,
        },
        {
            content: "Drag the grey company onto the red Red-Green stage",
            trigger: `${column("Grey")} .o_kanban_record.o_draggable:contains("Tour Unknown Boss")`,
            run: `drag_and_drop (${column("Red-Green")})`,
        },
        {
            content: "The refusal dialog says what it asks",
            trigger: '.modal .modal-title:contains("Why Did the Client Refuse?")',
        },
        {
            content: "The reason is marked as required",
            trigger:
                ".modal .o_field_widget.o_required_modifier[name=refusal_reason_id]",
        },
        {
            content: "A red stage asks for the refusal reason",
            trigger: ".modal .o_field_widget[name=refusal_reason_id] input",
            run: "edit Price",
        },
        {
            content: "Choose the reason",
            trigger: '.o-autocomplete--dropdown-item:contains("Price too high")',
            run: "click",
        },
        {
            content: "Apply stage and reason",
            trigger: '.modal-footer button[name="action_apply"]',
            run: "click",
        },
        {
            content: "The company is now red-green",
            trigger: `body:not(:has(.modal)) ${column("Red-Green")} .o_kanban_record:contains("Tour Unknown Boss")`,
        },
        {
            content: "Open the buyer's card",
            trigger: `${column("Gold")} .o_kanban_record:contains("Tour Buyer")`,
            run: "click",
        },
        {
            content: "The client form opens",
            trigger: '.o_form_view .o_breadcrumb .active:contains("Tour Buyer")',
        },
        {
            content: "Its header shows stage, class, recency and temperature",
            trigger: [
                '[name=client_segment_badges] [name=funnel_stage_id]:contains("Gold")',
                '[name=client_segment_badges] [name=abc_class]:contains("A")',
                '[name=client_segment_badges] [name=recency_segment]:contains("Bought Recently")',
                '[name=client_segment_badges] [name=temperature]:contains("Hot")',
            ].join(", "),
            run() {
                const badges = document.querySelector("[name=client_segment_badges]");
                for (const name of [
                    "funnel_stage_id",
                    "abc_class",
                    "recency_segment",
                    "temperature",
                ]) {
                    if (!badges.querySelector(`[name=${name}] .badge`)) {
                        throw new Error(`No ${name} badge in the form header`);
                    }
                }
            },
        },
        {
            content: "Open the client card",
            trigger: '.o_notebook .nav-link:contains("Client Card")',
            run: "click",
        },
        {
            content: "A call window never filled in shows nothing",
            trigger: ".o_field_widget[name=call_time_from] input",
            run() {
                for (const name of ["call_time_from", "call_time_to"]) {
                    const input = document.querySelector(
                        `.o_field_widget[name=${name}] input`
                    );
                    if (input.value !== "") {
                        throw new Error(
                            `${name} shows "${input.value}" instead of nothing`
                        );
                    }
                }
            },
        },
        ...openBoard("Value (ABC)"),
        {
            content: "Clients without class come last, folded",
            trigger: ".o_kanban_group:last-of-type.o_column_folded",
        },
        {
            content: "The buyer is class A",
            trigger: `${column("A")} .o_kanban_record:contains("Tour Buyer")`,
        },
        ...openBoard("Recency"),
        {
            content: "The buyer bought recently",
            trigger: `${column("Bought Recently")} .o_kanban_record:contains("Tour Buyer")`,
        },
        {
            content: "Empty recency columns show too",
            trigger: `${column("Sleeping Buyer")}`,
        },
        {
            content: "Clients who never bought are folded away, last",
            trigger: '.o_kanban_group.o_column_folded:contains("Never Bought")',
        },
        ...openBoard("Typology"),
        {
            content: "The buyer is a loyal fan",
            trigger: `${column("Loyal Fan")} .o_kanban_record:contains("Tour Buyer")`,
        },
        {
            content: "The column of clients to classify comes last",
            trigger: `.o_kanban_group:last-of-type:has(.o_column_title span.text-truncate:contains(/^To Classify$/))`,
        },
        {
            content: "Clients without typology are to classify, in an open column",
            trigger: `${column("To Classify")}:not(.o_column_folded) .o_kanban_record:contains("Tour Prospect")`,
        },
        ...openBoard("Temperature"),
        {
            content: "The yellow prospect is warm",
            trigger: `${column("Warm: Interested")} .o_kanban_record:contains("Tour Prospect")`,
        },
        {
            content: "Open the clients list",
            trigger:
                '.o_nav_entry[data-menu-xmlid="client_segmentation.menu_client_segmentation_clients"]',
            run: "click",
        },
        {
            content: "Clients are listed with their position as badges",
            trigger:
                '.o_list_view .o_data_row:contains("Tour Buyer") [name=abc_class] .badge:contains("A")',
        },
        {
            content: "The funnel stage and temperature are there too",
            trigger:
                '.o_list_view .o_data_row:contains("Tour Prospect") [name=funnel_stage_id]:contains("Yellow")',
        },
        {
            content: "Contact persons are not clients of their own",
            trigger: '.o_list_view:not(:has(.o_data_row:contains("Tour Decider")))',
        },
    ],
});
