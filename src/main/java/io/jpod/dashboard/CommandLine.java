package io.jpod.dashboard;

import io.jpod.error.EngineException;
import java.util.ArrayList;
import java.util.List;

/** Splits a command typed in a form into arguments as a shell would: spaces separate, quotes group. */
final class CommandLine {

    private CommandLine() {}

    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                } else if (ch == '\\' && quote == '"' && i + 1 < text.length()) {
                    cur.append(text.charAt(++i));
                } else {
                    cur.append(ch);
                }
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
                inWord = true;
            } else if (ch == '\\' && i + 1 < text.length()) {
                cur.append(text.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(ch)) {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(ch);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw EngineException.invalidArgument("the command has an unclosed " + quote + " quote");
        }
        if (inWord) {
            out.add(cur.toString());
        }
        return out;
    }
}
