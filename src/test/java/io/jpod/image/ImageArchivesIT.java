package io.jpod.image;

import static io.jpod.testing.TarBuilder.busyboxRootfs;
import static io.jpod.testing.TarBuilder.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.error.EngineException.Category;
import io.jpod.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageArchives} over file stores: what it writes loads into another store as the same
 * images, and what can go wrong goes wrong in {@code prepare}, before a byte is written.
 */
class ImageArchivesIT {

    @TempDir
    Path dir;

    ImageStore source;
    ImageStore target;
    ImageArchives archives;
    Image layered;

    @BeforeEach
    void stores() throws Exception {
        source = new FileImageStore(dir.resolve("source"), ImageStoreContract.JSON);
        target = new FileImageStore(dir.resolve("target"), ImageStoreContract.JSON);
        archives = new ImageArchives(source, ImageStoreContract.JSON);
        byte[] l1 = busyboxRootfs();
        byte[] l2 = ImageStoreContract.secondLayer();
        byte[] config = ImageStoreContract.config(List.of(sha256(l1), sha256(l2)), "sh");
        layered = source.load(new ByteArrayInputStream(
                ImageStoreContract.dockerArchive(l1, TarBuilder.gzip(l2), config))).get(0);
    }

    byte[] save(List<String> refs, ImageArchives.Format format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageArchives.Save save = archives.prepare(refs, format)) {
            save.writeTo(out);
        }
        return out.toByteArray();
    }

    @Test
    void bothFormatsLoadIntoAnotherStoreAsTheSameImage() throws Exception {
        for (ImageArchives.Format format : ImageArchives.Format.values()) {
            Image loaded = target.load(new ByteArrayInputStream(save(List.of("localhost/layered:v1"), format))).get(0);
            assertThat(loaded.id()).as(format.wireName()).isEqualTo(layered.id());
            assertThat(loaded.names()).containsExactly("localhost/layered:v1");
            assertThat(loaded.layers()).isEqualTo(layered.layers());
            assertThat(target.config(loaded)).isEqualTo(source.config(layered));
            if (format == ImageArchives.Format.OCI_ARCHIVE) {
                // the OCI blobs are the stored archives themselves (docker's layer tars leave uncompressed)
                assertThat(target.layerBlob(loaded.layers().get(1)).digest())
                        .isEqualTo(source.layerBlob(layered.layers().get(1)).digest());
            }
            target.remove(loaded.id(), true, id -> false);
        }
    }

    @Test
    void anImageNamedTwiceIsSavedOnceWithBothNamesAndByIdWithNone() throws Exception {
        source.tag("localhost/layered:v1", "localhost/other:2");
        byte[] twice = save(List.of("localhost/layered:v1", "localhost/other:2"), ImageArchives.Format.DOCKER_ARCHIVE);
        var manifest = ImageSaveIT.json(ImageSaveIT.entries(twice).get("manifest.json"));
        assertThat(manifest.size()).isEqualTo(1);
        assertThat(manifest.get(0).path("RepoTags").values()).extracting(n -> n.asString())
                .containsExactly("localhost/layered:v1", "localhost/other:2");
        Image byId = target.load(new ByteArrayInputStream(save(List.of(layered.id().substring(0, 12)),
                ImageArchives.Format.OCI_ARCHIVE))).get(0);
        assertThat(byId.id()).isEqualTo(layered.id());
        assertThat(byId.names()).isEmpty();
    }

    @Test
    void anImageRemovedAfterPrepareIsStillWrittenWhole() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageArchives.Save save = archives.prepare(List.of("localhost/layered:v1"),
                ImageArchives.Format.DOCKER_ARCHIVE)) {
            source.remove("localhost/layered:v1", true, id -> false);
            assertThat(source.hasLayer(layered.layers().get(0))).isFalse();
            save.writeTo(out);
        }
        assertThat(target.load(new ByteArrayInputStream(out.toByteArray())).get(0).id()).isEqualTo(layered.id());
    }

    @Test
    void errorsComeFromPrepare() throws Exception {
        assertCategory(() -> archives.prepare(List.of("nothing"), ImageArchives.Format.DOCKER_ARCHIVE),
                Category.NOT_FOUND);
        assertCategory(() -> archives.prepare(List.of(), ImageArchives.Format.DOCKER_ARCHIVE),
                Category.INVALID_ARGUMENT);
        assertCategory(() -> ImageArchives.Format.parse("oci-dir"), Category.INVALID_ARGUMENT);
        assertCategory(() -> ImageArchives.Format.parse("tar"), Category.INVALID_ARGUMENT);
        assertThat(ImageArchives.Format.parse(null)).isEqualTo(ImageArchives.Format.DOCKER_ARCHIVE);
        // a damaged archive in the store: found while measuring, not halfway through a response
        Path blob = source.layerBlob(layered.layers().get(1)).path();
        Files.write(blob, TarBuilder.gzip(new TarBuilder().file("other", "content").build()));
        assertCategory(() -> archives.prepare(List.of("localhost/layered:v1"), ImageArchives.Format.DOCKER_ARCHIVE),
                Category.INTERNAL);
    }

    static void assertCategory(Runnable r, Category category) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).as(e.getMessage()).isEqualTo(category));
    }
}
