import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("client_segmentation_work_plan_tour", {
    steps: () => [
        {
            content: "Create a work plan trigger",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Entering the warm recency segment",
            trigger: ".o_field_widget[name=recency_segment] select",
            run: "selectByLabel Cooling Down",
        },
        {
            content: "Launches the test plan",
            trigger: ".o_field_widget[name=plan_id] input",
            run: "edit Tour plan",
        },
        {
            content: "Choose the plan",
            trigger: '.o-autocomplete--dropdown-item:contains("Tour plan")',
            run: "click",
        },
        {
            content: "Save the trigger",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The trigger is saved",
            trigger: '.o_breadcrumb .active:contains("Cooling Down: Tour plan")',
        },
        {
            content: "Open the clients",
            trigger: '.o_menu_sections .o_nav_entry:contains("Clients")',
            run: "click",
        },
        {
            content: "List the clients without grouping",
            trigger: ".o_searchview_facet .o_facet_remove",
            run: "click",
        },
        {
            content: "Search the client who is about to become warm",
            trigger: "body:not(:has(.o_searchview_facet)) .o_searchview_input",
            run: "edit Tour Waker",
        },
        {
            content: "Apply the search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Select the client",
            trigger: '.o_data_row:contains("Tour Waker") .o_list_record_selector input',
            run: "click",
        },
        {
            content: "Open the actions",
            trigger: ".o_cp_action_menus .dropdown-toggle",
            run: "click",
        },
        {
            content: "Recompute the segments",
            trigger:
                '.o-dropdown--menu .o-dropdown-item:contains("Recompute segments")',
            run: "click",
        },
        {
            content: "The recompute is done",
            trigger: '.o_notification:contains("Segments recomputed")',
        },
        {
            content: "Open the client",
            trigger: '.o_data_row:contains("Tour Waker") td[name=display_name]',
            run: "click",
        },
        {
            content: "The first step of the plan is the client's next activity",
            trigger: '.o-mail-Activity:contains("Tour plan step 1")',
        },
    ],
});
