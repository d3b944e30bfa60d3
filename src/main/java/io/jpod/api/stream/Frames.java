package io.jpod.api.stream;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Docker's multiplexed stream: each chunk is an 8-byte header (stream 1 = stdout, 2 = stderr,
 * three zero bytes, big-endian length) and the payload. A TTY container's output is sent raw.
 */
public final class Frames {

    private Frames() {}

    public static void write(OutputStream out, int stream, byte[] payload, boolean tty) throws IOException {
        if (!tty) {
            int n = payload.length;
            out.write(new byte[] {(byte) stream, 0, 0, 0, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8),
                (byte) n});
        }
        out.write(payload);
    }
}
