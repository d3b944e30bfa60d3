package io.jpod.api;

import java.beans.PropertyEditorSupport;
import java.util.Set;
import java.util.function.Function;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * The one binding of query values for every controller: booleans and numbers are read as Docker
 * reads them (Go's {@code strconv.ParseBool} and {@code strconv.ParseInt}, base 10), strictly.
 * Spring's own editors and converters take {@code yes}, {@code on}, {@code " true"}, {@code 0x10},
 * {@code #10} and {@code "1 "}; a client that sends those meant something else, and a guess could
 * remove or kill the wrong thing. They are editors because Spring falls back to its lenient
 * default editor when a converter refuses a value. A refused value fails the binding, which
 * happens before the handler runs, so before any change: {@link BindingErrors} answers it with a
 * 400 that names the parameter.
 */
@ControllerAdvice(basePackages = "io.jpod.api") // the dashboard's forms send checkboxes as "on"
class QueryBinding {

    private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
    private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");

    @InitBinder
    void strictValues(WebDataBinder binder) {
        binder.registerCustomEditor(boolean.class, editor(QueryBinding::bool));
        binder.registerCustomEditor(Boolean.class, editor(QueryBinding::bool));
        Function<String, Object> asInt = s -> {
            Long v = integer(s, Integer.MIN_VALUE, Integer.MAX_VALUE);
            return v == null ? null : v.intValue();
        };
        binder.registerCustomEditor(int.class, editor(asInt));
        binder.registerCustomEditor(Integer.class, editor(asInt));
        binder.registerCustomEditor(long.class, editor(s -> integer(s, Long.MIN_VALUE, Long.MAX_VALUE)));
        binder.registerCustomEditor(Long.class, editor(s -> integer(s, Long.MIN_VALUE, Long.MAX_VALUE)));
    }

    private static PropertyEditorSupport editor(Function<String, Object> parse) {
        return new PropertyEditorSupport() {
            @Override
            public void setAsText(String text) {
                setValue(text == null ? null : parse.apply(text));
            }
        };
    }

    /** Go's ParseBool; an empty value is no value (the parameter's default). */
    static Boolean bool(String s) {
        if (s.isEmpty()) {
            return null;
        }
        if (TRUE.contains(s)) {
            return Boolean.TRUE;
        }
        if (FALSE.contains(s)) {
            return Boolean.FALSE;
        }
        throw new IllegalArgumentException("\"" + shown(s) + "\" is not a boolean (use true or false, 1 or 0)");
    }

    /** A base-10 integer with an optional sign, nothing around it, within {@code [min, max]}. */
    static Long integer(String s, long min, long max) {
        if (s.isEmpty()) {
            return null;
        }
        if (!s.matches("[+-]?[0-9]+")) {
            throw new IllegalArgumentException("\"" + shown(s) + "\" is not a whole number");
        }
        long v;
        try {
            v = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + shown(s) + "\" is out of range");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException("\"" + shown(s) + "\" is out of range");
        }
        return v;
    }

    /** A value as an error message may show it: bounded, without control characters. */
    static String shown(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
