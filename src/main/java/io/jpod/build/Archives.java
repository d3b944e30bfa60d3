package io.jpod.build;

import io.jpod.error.EngineException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/** Recognising Docker's archive formats by their magic bytes: tar, plain or compressed with gzip, bzip2 or xz. */
final class Archives {

    private static final byte[] GZIP = {0x1f, (byte) 0x8b};
    private static final byte[] BZIP2 = {'B', 'Z', 'h'};
    private static final byte[] XZ = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
    private static final byte[] ZSTD = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};

    private Archives() {}

    /** The stream with its compression (if any) undone. */
    static InputStream decompressed(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 65536);
        buffered.mark(8);
        byte[] head = buffered.readNBytes(6);
        buffered.reset();
        if (startsWith(head, GZIP)) {
            return new BufferedInputStream(new GzipCompressorInputStream(buffered, true), 65536);
        }
        if (startsWith(head, BZIP2)) {
            return new BufferedInputStream(new BZip2CompressorInputStream(buffered, true), 65536);
        }
        if (startsWith(head, XZ)) {
            return new BufferedInputStream(new XZCompressorInputStream(buffered, true), 65536);
        }
        if (startsWith(head, ZSTD)) {
            throw EngineException.invalidArgument("zstd-compressed archives are not supported (use gzip, bzip2 or xz)");
        }
        return buffered;
    }

    /** True when the file is a tar archive (after any compression), which ADD extracts instead of copying. */
    static boolean isTar(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (InputStream in = decompressed(Files.newInputStream(file))) {
            byte[] header = in.readNBytes(512);
            boolean zeros = true;
            for (byte b : header) {
                zeros &= b == 0;
            }
            return header.length == 512 && !zeros && TarUtils.verifyCheckSum(header);
        } catch (IOException | EngineException e) {
            return false; // unreadable or corrupt compression: an ordinary file, as Docker treats it
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }
}
