import { registry } from "@web/core/registry";

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
            content: "Every funnel stage is a column, empty ones with their count",
            trigger: `${column("Platinum-Red")} .o_client_board_count:contains("(0)")`,
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
            content: "The prospect is now yellow",
            trigger: `${column("Yellow")} .o_kanban_record:contains("Tour Prospect")`,
        },
        {
            content: "Drag the prospect onto the automatic Grey stage",
            trigger: `${column("Yellow")} .o_kanban_record:contains("Tour Prospect")`,
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
            trigger: `${column("Grey")} .o_kanban_record:contains("Tour Unknown Boss")`,
            run: `drag_and_drop (${column("Red-Green")})`,
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
        ...openBoard("Value (ABC)"),
        {
            content: "The buyer is class A",
            trigger: `${column("A")} .o_kanban_record:contains("Tour Buyer")`,
        },
        ...openBoard("Recency"),
        {
            content: "The buyer is hot",
            trigger: `${column("Hot")} .o_kanban_record:contains("Tour Buyer")`,
        },
        {
            content: "Empty recency columns show too",
            trigger: `${column("Sleeping")}`,
        },
        ...openBoard("Typology"),
        {
            content: "The buyer is a loyal fan",
            trigger: `${column("Loyal Fan")} .o_kanban_record:contains("Tour Buyer")`,
        },
        ...openBoard("Temperature"),
        {
            content: "The yellow prospect is warm",
            trigger: `${column("Warm")} .o_kanban_record:contains("Tour Prospect")`,
        },
    ],
});
