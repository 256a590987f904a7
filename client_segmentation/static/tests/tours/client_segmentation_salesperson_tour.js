import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("client_segmentation_salesperson_tour", {
    steps: () => [
        {
            content: "Open the apps",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open Client Segmentation",
            trigger: '.o_app:contains("Client Segmentation")',
            run: "click",
        },
        {
            content: "The board shows the salesperson's own clients",
            trigger: '.o_searchview_facet:contains("My Clients")',
        },
        {
            content: "Their own client is on the board",
            trigger: '.o_kanban_record:contains("Tour Own Big")',
        },
        {
            content: "Another salesperson's client is not",
            trigger:
                '.o_kanban_renderer:not(:has(.o_kanban_record:contains("Tour Other Sleeper")))',
        },
        {
            content: "Open the analysis menu",
            trigger: '.o_menu_sections button:contains("Analysis")',
            run: "click",
        },
        {
            content: "Open the valuable clients who fell asleep",
            trigger: '.dropdown-item:contains("A but Sleeping")',
            run: "click",
        },
        {
            content: "The most valuable comes first",
            trigger:
                '.o_data_row:nth-child(1) td[name=display_name]:contains("Tour Own Big")',
        },
        {
            content: "Then the next one",
            trigger:
                '.o_data_row:nth-child(2) td[name=display_name]:contains("Tour Own Second")',
        },
        {
            content: "Only the salesperson's own clients",
            trigger:
                '.o_list_table:not(:has(.o_data_row:contains("Tour Other Sleeper")))',
        },
        {
            content: "Open the client",
            trigger: '.o_data_row:contains("Tour Own Big") td[name=display_name]',
            run: "click",
        },
        {
            content: "The win-back plan's call is on the card",
            trigger: '.o-mail-Activity:contains("Test win-back step 1")',
        },
        {
            content: "Mark the call done",
            trigger:
                '.o-mail-Activity:contains("Test win-back step 1") .o-mail-Activity-markDone',
            run: "click",
        },
        {
            content: "Say how it went",
            trigger: ".o-mail-ActivityMarkAsDone textarea",
            run: "edit Reached, ordering again",
        },
        {
            content: "Done",
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label=Done]",
            run: "click",
        },
        {
            content: "The call is in the chatter",
            trigger: '.o-mail-Message:contains("Reached, ordering again")',
        },
    ],
});
