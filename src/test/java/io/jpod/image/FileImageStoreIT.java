package io.jpod.image;

import static io.jpod.testing.TarBuilder.busyboxRootfs;
import static io.jpod.testing.TarBuilder.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.storage.LayerExtractor;
import io.jpod.storage.PosixFiles;
import io.jpod.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The image store on a real file system, as root (device nodes, owners, trusted xattrs): the
 * {@link ImageStoreContract} and what is particular to its files.
 */
class FileImageStoreIT extends ImageStoreContract {

    @Override
    protected ImageStore open(Path graphRoot) {
        return new FileImageStore(graphRoot, JSON);
    }

    long count(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void theIdIsTheDigestOfTheStoredConfig() throws Exception {
        Image img = importBusybox("busybox");
        byte[] config = Files.readAllBytes(graphRoot.resolve("images").resolve(img.id()).resolve("config.json"));
        assertThat(sha256(config)).isEqualTo("sha256:" + img.id());
    }

    @Test
    void aLayerIsStoredOnceWhateverTheNumberOfImagesUsingIt() throws Exception {
        Image a = importBusybox("a", "CMD [\"sh\"]");
        Image b = importBusybox("b", "CMD [\"echo\", \"hi\"]");
        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(count(graphRoot.resolve("layers"))).isEqualTo(1);
        assertThat(store.list()).hasSize(2);
        store.remove("a", false, id -> false);
        assertThat(count(graphRoot.resolve("layers"))).isEqualTo(1);
        store.remove("b", false, id -> false);
        assertThat(count(graphRoot.resolve("layers"))).isZero();
        assertThat(store.list()).isEmpty();
    }

    @Test
    void loadedWhiteoutsAreOverlayWhiteouts() throws Exception {
        byte[] l1 = busyboxRootfs();
        byte[] l2 = secondLayer();
        byte[] archive = dockerArchive(l1, TarBuilder.gzip(l2), config(List.of(sha256(l1), sha256(l2)), "sh"));
        Image img = store.load(new ByteArrayInputStream(archive)).get(0);
        Path top = store.layerDirs(img).get(1);
        // overlay whiteout: a 0/0 character device named like the deleted file
        assertThat(Files.getAttribute(top.resolve("etc/group"), "unix:mode", LinkOption.NOFOLLOW_LINKS))
                .matches(m -> (((Integer) m) & 0170000) == 0020000);
        assertThat(Files.getAttribute(top.resolve("etc/group"), "unix:rdev", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(0L);
        assertThat(PosixFiles.getXattr(top.resolve("opt"), LayerExtractor.OPAQUE_XATTR)).isEqualTo("y");
        assertThat(top.resolve("opt/.wh..wh..opq")).doesNotExist();
    }

    @Test
    void aFailedLoadLeavesNoLayerAndNoWorkFiles() throws Exception {
        byte[] l1 = busyboxRootfs();
        byte[] l2 = secondLayer();
        byte[] archive = dockerArchive(l1, l2, config(List.of(sha256(l1), sha256(l2)), "sh"),
                config(List.of(sha256(l1), sha256(l1)), "sh"));
        assertThatThrownBy(() -> store.load(new ByteArrayInputStream(archive)));
        assertThat(graphRoot.resolve("layers")).isEmptyDirectory();
        assertThat(graphRoot.resolve("images")).isEmptyDirectory();
        assertThat(graphRoot.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void hostileLayersLeaveNoFiles() throws Exception {
        byte[] tar = new TarBuilder().hardlink("passwd", "../../../../etc/passwd").build();
        assertThatThrownBy(() -> store.importRootfs(new ByteArrayInputStream(tar), List.of("evil"), List.of(), ""));
        assertThat(graphRoot.resolve("layers")).isEmptyDirectory();
        assertThat(graphRoot.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void absoluteNamesLandInsideTheLayer() throws Exception {
        byte[] tar = new TarBuilder().file("/etc/hostname", "box").build();
        Image img = store.importRootfs(new ByteArrayInputStream(tar), List.of("abs"), List.of(), "");
        assertThat(store.layerDirs(img).get(0).resolve("etc/hostname")).hasContent("box");
        assertThat(new String(Files.readAllBytes(store.layerDirs(img).get(0).resolve("etc/hostname")),
                StandardCharsets.UTF_8)).isEqualTo("box");
    }
}
