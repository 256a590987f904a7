import {registry} from "@web/core/registry";

// The settings' Preview as a sales manager meets it: the company's settings
// record, Preview, other values typed in the preview, Compute, Close. The
// Python side checks that nothing of the settings was saved.
registry.category("web_tour.tours").add("client_segmentation_preview_tour", {
    steps: () => [
        {
            content: "The company's settings open as its record",
            trigger: '.o_form_view .o_field_widget[name=company_id]:contains("Tour")',
        },
        {
            content: "Open the preview",
            trigger: ".o_form_view button[name=action_open_preview]",
            run: "click",
        },
        {
            content: "The preview opens with the saved A share",
            trigger: ".modal .o_field_widget[name=segment_abc_a_share] input",
            run() {
                const value = this.anchor.value;
                if (!value.startsWith("75")) {
                    throw new Error(`A share ${value}, not the saved 75`);
                }
            },
        },
        {
            content: "Its title names it, not a record id",
            trigger: '.modal .modal-title:contains("Preview of Segment Settings")',
            run() {
                if (this.anchor.textContent.includes(",")) {
                    throw new Error(`title ${this.anchor.textContent}`);
                }
            },
        },
        {
            content: "Propose another A share",
            trigger: ".modal .o_field_widget[name=segment_abc_a_share] input",
            run: "edit 40",
        },
        {
            content: "Compute",
            trigger: ".modal button[name=action_preview]",
            run: "click",
        },
        {
            content: "The ABC moves are listed",
            trigger:
                ".modal .o_field_widget[name=abc_line_ids] .o_data_row:contains(A)",
        },
        {
            content: "The recency moves are a list of their own",
            trigger: ".modal .o_field_widget[name=recency_line_ids] .o_data_row",
        },
        {
            content: "Close without applying",
            trigger: ".modal .modal-footer button:contains(Close)",
            run: "click",
        },
        {
            content: "Back on the settings, still 75",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=segment_abc_a_share] input",
            run() {
                if (!this.anchor.value.startsWith("75")) {
                    throw new Error(`A share ${this.anchor.value} after Close`);
                }
            },
        },
    ],
});
