package io.jpod.registry;

import io.jpod.error.EngineException;

/** An image platform, {@code os/architecture[/variant]}, as {@code --platform} spells it. */
public record Platform(String os, String architecture, String variant) {

    /** The host's: what runs here without emulation. */
    public static Platform host() {
        return new Platform("linux", io.jpod.host.HostFacts.arch(), "");
    }

    /** Parses {@code linux/arm64/v8}; empty or null means the host's. */
    public static Platform parse(String text) {
        if (text == null || text.isBlank()) {
            return host();
        }
        String[] p = text.strip().toLowerCase().split("/");
        if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty()) {
            throw EngineException.invalidArgument("invalid platform \"" + text + "\": expected os/arch[/variant]");
        }
        String arch = switch (p[1]) {
            case "x86_64", "x86-64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> p[1];
        };
        return new Platform(p[0], arch, p.length == 3 ? p[2] : "");
    }

    /** Whether an index entry's platform fits: same os and architecture, and variant when asked for. */
    boolean accepts(String os, String architecture, String variant) {
        return this.os.equals(os) && this.architecture.equals(architecture)
                && (this.variant.isEmpty() || this.variant.equals(variant == null ? "" : variant));
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }
}
