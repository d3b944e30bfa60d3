package io.jpod.image;

import static io.jpod.testing.TarBuilder.busyboxRootfs;
import static io.jpod.testing.TarBuilder.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.events.EngineEvent;
import io.jpod.events.EventBus;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link ImageStoreContract} on the file store wrapped in {@link PublishingImageStore}, and
 * the events and timings it adds: Docker's import, load, tag, untag and delete.
 */
class PublishingImageStoreIT extends ImageStoreContract {

    private EventBus events;
    private final List<String> timed = new ArrayList<>();

    @Override
    protected ImageStore open(Path graphRoot) {
        events = new EventBus(1000);
        return new PublishingImageStore(new FileImageStore(graphRoot, JSON), events,
                (operation, nanos, failure) -> timed.add(operation + (failure == null ? "" : " failed")));
    }

    /** {@code action id name} of each image event so far. */
    private List<String> published() {
        return events.between(null, null).stream().filter(e -> e.type().equals("image"))
                .map(PublishingImageStoreIT::line).toList();
    }

    private static String line(EngineEvent e) {
        return e.action() + " " + e.id() + " " + e.name();
    }

    @Test
    void eachChangePublishesItsEvent() throws Exception {
        Image img = importBusybox("ev:1");
        store.tag("ev:1", "ev:2");
        store.untag("ev:1", "ev:2");
        store.tag("ev:1", "ev:3");
        store.remove("ev:3", false, id -> false);
        store.lookup("ev:1");
        store.list();
        store.remove(img.id(), false, id -> false);
        assertThat(published()).containsExactly(
                "import " + img.id() + " docker.io/library/ev:1",
                "tag " + img.id() + " ev:2",
                "untag " + img.id() + " ev:2",
                "tag " + img.id() + " ev:3",
                "untag " + img.id() + " docker.io/library/ev:3",
                "untag " + img.id() + " docker.io/library/ev:1",
                "delete " + img.id() + " sha256:" + img.id());
        assertThat(timed).containsExactly("import");
    }

    @Test
    void aLoadPublishesOneEventPerImageAndAFailureNone() throws Exception {
        byte[] l1 = busyboxRootfs();
        byte[] l2 = secondLayer();
        byte[] c1 = config(List.of(sha256(l1), sha256(l2)), "sh");
        byte[] c2 = config(List.of(sha256(l1), sha256(l2)), "true");
        List<Image> loaded = store.load(new ByteArrayInputStream(dockerArchive(l1, l2, c1, c2)));
        assertThat(published()).containsExactly(
                "load " + loaded.get(0).id() + " localhost/layered:v1",
                "load " + loaded.get(1).id() + " localhost/layered:v2");
        byte[] bad = dockerArchive(l1, l2, config(List.of(sha256(l2)), "sh"));
        try {
            store.load(new ByteArrayInputStream(bad));
        } catch (RuntimeException expected) {
            // the contract checks the error; here only that nothing was published for it
        }
        assertThat(published()).hasSize(2);
        assertThat(timed).containsExactly("load", "load failed");
    }
}
