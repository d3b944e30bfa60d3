package io.jpod.api.access;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * What {@link RyukIT} runs in a JVM of its own, whose environment and home it controls: Testcontainers with
 * Ryuk enabled starts a container, prints its ID and the JVM ends without stopping it, as a killed test run
 * would. Halting skips every shutdown hook, so only Ryuk can clean up.
 */
public final class RyukChildJvm {

    private RyukChildJvm() {
    }

    public static void main(String[] args) {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(args[0])).withCommand("sleep", "300");
        c.start();
        System.out.println("CONTAINER " + c.getContainerId());
        System.out.flush();
        if (args.length > 1 && args[1].equals("stop")) {
            c.stop(); // the plain use: start, use, stop (ListenersIT)
            System.exit(0);
        }
        Runtime.getRuntime().halt(0);
    }
}
