package io.jpod.common;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Object IDs: 64 random hex characters, as podman's, whose 12-character short form is never all digits. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String random() {
        while (true) {
            byte[] b = new byte[32];
            RANDOM.nextBytes(b);
            String id = HexFormat.of().formatHex(b);
            if (!id.substring(0, 12).matches("\\d+")) { // an all-digit short ID would read as a number
                return id;
            }
        }
    }
}
