package io.jpod.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** Small stream tools for layer archives: compression sniffing, a tee, a fast gzip writer. */
public final class LayerBlobs {

    private LayerBlobs() {}

    /** Whether the stream starts with gzip's magic; {@code in} must support mark/reset. */
    public static boolean isGzip(InputStream in) throws IOException {
        return magic(in, 0x1f, 0x8b);
    }

    /** Whether the stream starts with zstd's magic; {@code in} must support mark/reset. */
    public static boolean isZstd(InputStream in) throws IOException {
        return magic(in, 0x28, 0xb5, 0x2f, 0xfd);
    }

    private static boolean magic(InputStream in, int... bytes) throws IOException {
        in.mark(bytes.length);
        try {
            for (int b : bytes) {
                if (in.read() != b) {
                    return false;
                }
            }
            return true;
        } finally {
            in.reset();
        }
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * gzip at the fastest level: layers are compressed once, when imported, and speed matters more
     * than a few percent of size. The caller finishes it; closing it closes {@code out}.
     */
    public static GZIPOutputStream fastGzip(OutputStream out) throws IOException {
        return new GZIPOutputStream(out, 65536) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        };
    }

    /** Every byte read from the result is also written to {@code copy}, in order. */
    public static InputStream tee(InputStream in, OutputStream copy) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    copy.write(b);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    copy.write(buf, off, n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                // skipping would lose bytes of the copy: read them instead
                byte[] buf = new byte[8192];
                long done = 0;
                while (done < n) {
                    int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                    if (r < 0) {
                        break;
                    }
                    done += r;
                }
                return done;
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }
}
