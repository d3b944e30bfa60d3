package io.jpod.container;

import io.jpod.image.Image;
import io.jpod.image.ImageStore;
import io.jpod.state.ContainerConfig.Mount;
import io.jpod.state.StoredContainer;
import io.jpod.volume.VolumeService;
import io.jpod.state.VolumeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the engine's objects take on disk ({@code docker system df}, {@code podman system df}):
 * images with the bytes they share with others, containers' writable layers, volumes, and the
 * build cache (intermediate images), each with what a prune would reclaim.
 */
public final class DiskUsage {

    /** @param sharedSize bytes of layers other images use too; {@code containers} how many containers use it */
    public record ImageUsage(Image image, long size, long sharedSize, int containers) {}

    /** @param rwSize bytes the container wrote; {@code rootFsSize} that plus its image */
    public record ContainerUsage(StoredContainer container, long rwSize, long rootFsSize) {}

    public record VolumeUsage(VolumeConfig volume, long size, int refCount) {}

    /** An intermediate image of the build cache; {@code size} is what only it holds. */
    public record CacheUsage(Image image, long size, boolean inUse) {}

    public record Report(long layersSize, List<ImageUsage> images, List<ContainerUsage> containers,
            List<VolumeUsage> volumes, List<CacheUsage> buildCache) {}

    private final ImageStore images;
    private final ContainerService containers;
    private final VolumeService volumes;

    public DiskUsage(ImageStore images, ContainerService containers, VolumeService volumes) {
        this.images = images;
        this.containers = containers;
        this.volumes = volumes;
    }

    public Report report() {
        List<Image> named = images.list();
        List<Image> cache = images.intermediate();
        List<StoredContainer> all = containers.list();
        Map<String, Integer> layerUsers = new HashMap<>();
        for (Image img : named) {
            img.layers().stream().distinct().forEach(l -> layerUsers.merge(l, 1, Integer::sum));
        }
        Set<String> allLayers = new HashSet<>(layerUsers.keySet());
        cache.forEach(img -> allLayers.addAll(img.layers()));
        long layersSize = allLayers.stream().mapToLong(images::layerSize).sum();

        List<ImageUsage> imageUsage = new ArrayList<>();
        for (Image img : named) {
            long shared = img.layers().stream().distinct().filter(l -> layerUsers.get(l) > 1)
                    .mapToLong(images::layerSize).sum();
            int users = (int) all.stream().filter(c -> img.id().equals(c.config().rootfsImageId())).count();
            imageUsage.add(new ImageUsage(img, img.size(), shared, users));
        }
        List<ContainerUsage> containerUsage = new ArrayList<>();
        for (StoredContainer c : all) {
            long rw = size(containers.paths().layout(c.id()).diff());
            long image = named.stream().filter(i -> i.id().equals(c.config().rootfsImageId())).mapToLong(Image::size)
                    .findFirst().orElse(0);
            containerUsage.add(new ContainerUsage(c, rw, rw + image));
        }
        List<VolumeUsage> volumeUsage = new ArrayList<>();
        for (VolumeConfig v : volumes.list()) {
            int refs = (int) all.stream().filter(c -> c.config().run() != null && c.config().run().mounts().stream()
                    .anyMatch(m -> isVolume(m, v.name()))).count();
            volumeUsage.add(new VolumeUsage(v, size(volumes.dataDir(v)), refs));
        }
        List<CacheUsage> cacheUsage = new ArrayList<>();
        for (Image img : cache) {
            long own = img.layers().stream().filter(l -> !layerUsers.containsKey(l)).mapToLong(images::layerSize).sum();
            boolean used = all.stream().anyMatch(c -> img.id().equals(c.config().rootfsImageId()));
            cacheUsage.add(new CacheUsage(img, own, used));
        }
        return new Report(layersSize, imageUsage, containerUsage, volumeUsage, cacheUsage);
    }

    private static boolean isVolume(Mount m, String name) {
        return "volume".equals(m.type()) && name.equals(m.source());
    }

    /** Bytes of the regular files under {@code dir}, each inode once; 0 when it is not there. */
    static long size(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        Set<Object> seen = new HashSet<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    return seen.add(a.fileKey()) ? a.size() : 0;
                } catch (IOException gone) {
                    return 0;
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0; // changing under us (a container writing): what could be counted is enough for a report
        }
    }
}
