import {registry} from "@web/core/registry";
import {
    FloatTimeField,
    floatTimeField,
} from "@web/views/fields/float_time/float_time_field";
import {useInputField} from "@web/views/fields/input_field_hook";
import {useNumpadDecimal} from "@web/views/fields/numpad_decimal_hook";
import {parseFloatTime} from "@web/views/fields/parsers";

/**
 * Convenient time to call: a window that was never filled (both ends at 0)
 * shows empty inputs instead of "00:00 - 00:00", and clearing an input means
 * no time.
 */
export class ClientCallTimeField extends FloatTimeField {
    setup() {
        this.inputFloatTimeRef = useInputField({
            getValue: () => this.formattedValue,
            refName: "numpadDecimal",
            parse: (value) => (value.trim() ? parseFloatTime(value) : 0),
        });
        useNumpadDecimal();
    }

    get formattedValue() {
        const {call_time_from: from, call_time_to: until} = this.props.record.data;
        if (!from && !until) {
            return "";
        }
        return super.formattedValue;
    }
}

export const clientCallTimeField = {
    ...floatTimeField,
    component: ClientCallTimeField,
};

registry.category("fields").add("client_call_time", clientCallTimeField);
