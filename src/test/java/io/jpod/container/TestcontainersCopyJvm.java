package io.jpod.container;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * What {@link ContainerFilesIT} runs in a JVM of its own: Testcontainers copies a host file into a
 * container and back out ({@code copyFileToContainer}, {@code copyFileFromContainer}). Arguments: the
 * image, the file to copy in, where to copy it back to. Uses only what Testcontainers 1.x and 2.x share.
 */
public final class TestcontainersCopyJvm {

    private TestcontainersCopyJvm() {
    }

    public static void main(String[] args) throws Exception {
        try (GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(args[0]))
                .withCommand("sleep", "300")) {
            c.start();
            c.copyFileToContainer(MountableFile.forHostPath(args[1]), "/tmp/tc.txt");
            c.copyFileFromContainer("/tmp/tc.txt", args[2]);
            c.stop();
        }
        System.exit(0);
    }
}
