package io.jpod.pod;

import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import io.jpod.image.Image;
import io.jpod.image.ImageStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The image of pods' infra containers, built here from the host's catatonit (no registry is
 * needed), as podman 4 does: one layer holding {@code /catatonit}, run as {@code /catatonit -P}.
 * Its tag carries the binary's digest, so an upgraded catatonit gets a new image.
 */
final class InfraImage {

    private InfraImage() {}

    static Image ensure(ImageStore images, Path catatonit) {
        byte[] binary;
        try {
            binary = Files.readAllBytes(catatonit.toRealPath());
        } catch (IOException e) {
            throw new EngineException(EngineException.Category.UNAVAILABLE, "catatonit, which pods' infra "
                    + "containers run, was not found at " + catatonit + " (init_path): apt-get install catatonit");
        }
        String name = "localhost/jpod-pause:" + digest(binary).substring(0, 12);
        try {
            return images.lookup(name);
        } catch (NoSuchObjectException absent) {
            return images.importRootfs(new ByteArrayInputStream(tar(binary)), List.of(name),
                    List.of("ENTRYPOINT [\"/catatonit\", \"-P\"]"), "jpod pod infra image");
        }
    }

    private static byte[] tar(byte[] binary) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry e = new TarArchiveEntry("catatonit");
            e.setMode(0100755);
            e.setSize(binary.length);
            tar.putArchiveEntry(e);
            tar.write(binary);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw EngineException.internal("building the infra image: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static String digest(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
