package io.pharox.examples.kv;

import java.util.Optional;
import java.util.function.Function;

/**
 * The text format of every record the adapter stores: fields one after another, each written
 * as its length in chars, a colon and the text ({@code 5:Paris}), or as a single {@code -}
 * when the value is absent. A reader takes exactly as many chars as the length says, so no
 * content (quotes, colons, digits, newlines, a 10,000-character tag) can be mistaken for the
 * next field, and no escaping is needed. Errors name the field's position, never its text,
 * which may be a password.
 */
final class Fields {

    private Fields() {}

    /** Writes fields in order; {@link #toString()} is the record. */
    static final class Writer {
        private final StringBuilder text = new StringBuilder();

        /** Appends a field holding {@code value.toString()}. */
        Writer field(Object value) {
            String s = value.toString();
            text.append(s.length()).append(':').append(s);
            return this;
        }

        /** Appends a field holding the value's {@code toString()}, or an absent field. */
        Writer optional(Optional<?> value) {
            if (value.isPresent()) {
                return field(value.get());
            }
            text.append('-');
            return this;
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    /** Reads the fields of one record in the order they were written. */
    static final class Reader {
        private final String text;
        private int at;
        private int fields;

        Reader(String text) {
            this.text = text;
        }

        /** The next field, which must be present. */
        String text() {
            return optional().orElseThrow(() -> malformed("is absent but required"));
        }

        /** The next field parsed by {@code parse}, which must succeed; {@code kind} names what it holds. */
        <T> T field(String kind, Function<String, T> parse) {
            return parsed(kind, text(), parse);
        }

        /** The next field, or empty if it was written absent. */
        Optional<String> optional() {
            fields++;
            if (at < text.length() && text.charAt(at) == '-') {
                at++;
                return Optional.empty();
            }
            int colon = text.indexOf(':', at);
            if (colon <= at || colon - at > 9) {
                throw malformed("has no length");
            }
            int length = 0;
            for (int i = at; i < colon; i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    throw malformed("has no length");
                }
                length = length * 10 + (c - '0');
            }
            if (length > text.length() - colon - 1) {
                throw malformed("is longer than the record");
            }
            at = colon + 1 + length;
            return Optional.of(text.substring(colon + 1, at));
        }

        /** The next field parsed by {@code parse}, or empty if it was written absent. */
        <T> Optional<T> optional(String kind, Function<String, T> parse) {
            return optional().map(s -> parsed(kind, s, parse));
        }

        /** Checks that every field was read. */
        void end() {
            if (at != text.length()) {
                throw new IllegalStateException("record has " + (text.length() - at) + " chars after its last field");
            }
        }

        private <T> T parsed(String kind, String field, Function<String, T> parse) {
            try {
                return parse.apply(field);
            } catch (RuntimeException e) {
                // the cause would quote the text
                throw malformed("is not " + kind);
            }
        }

        private IllegalStateException malformed(String problem) {
            return new IllegalStateException("field " + fields + " of the record " + problem);
        }
    }
}
