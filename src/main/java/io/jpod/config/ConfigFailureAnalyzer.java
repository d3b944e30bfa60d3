package io.jpod.config;

import io.jpod.error.ConfigException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a configuration error at start-up into one clear description and a fix, instead of a stack trace. */
public class ConfigFailureAnalyzer extends AbstractFailureAnalyzer<ConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConfigException cause) {
        String action = cause.file() != null
                ? "Fix " + (cause.key() != null ? "the key \"" + cause.key() + "\" in " : "") + cause.file()
                        + (cause.line() > 0 ? " at line " + cause.line() : "") + ", then start jpod again."
                : "Correct the setting named above (libpod.conf, storage.conf, application properties, "
                        + "LIBPOD_* environment or --libpod.* option), then start jpod again.";
        return new FailureAnalysis(cause.getMessage(), action, cause);
    }
}
