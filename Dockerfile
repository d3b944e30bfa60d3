# jpod as an image. No container engine runs on the project's own machines, so this file is not
# exercised by the test suite; it is kept simple. Run it privileged with the host's storage mounted:
#   docker run --privileged --pid=host -p 127.0.0.1:8181:8181 \
#     -v /var/lib/jpod:/var/lib/jpod -v /run/jpod:/run/jpod -v /dev/shm:/dev/shm jpod
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q -DskipTests package

FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jre-headless runc conmon catatonit containernetworking-plugins busybox-static curl \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/jpod.jar /tmp/jpod.jar
COPY config/jpod.jvm /etc/jpod/jpod.jvm
COPY config/jpod-cds.sh /usr/local/lib/jpod/jpod-cds.sh
# the jar extracted with its class-data-sharing archive, made in place (it is bound to these paths)
RUN JPOD_JVM_OPTIONS=/etc/jpod/jpod.jvm /usr/local/lib/jpod/jpod-cds.sh /tmp/jpod.jar /usr/local/lib/jpod \
 && rm /tmp/jpod.jar
COPY config/libpod.conf /etc/jpod/libpod.conf
COPY config/storage.conf /etc/jpod/storage.conf
COPY config/registries.conf /etc/containers/registries.conf
# The API is the Unix socket /run/jpod/jpod.sock: mount /run/jpod from the host to use it. TCP beyond the
# container's loopback needs TLS: --jpod.api.tcp=true --server.address=0.0.0.0 and jpod.api.tls-ca/-cert/-key.
RUN groupadd --system jpod
# JVM options: /etc/jpod/jpod.jvm (config/jpod.jvm says why each); two malloc arenas, as jpod-up.sh
ENV MALLOC_ARENA_MAX=2
ENTRYPOINT ["java", "@/etc/jpod/jpod.jvm", "-XX:SharedArchiveFile=/usr/local/lib/jpod/jpod.jsa", \
            "-jar", "/usr/local/lib/jpod/jpod.jar"]
HEALTHCHECK CMD curl -sf --unix-socket /run/jpod/jpod.sock http://d/_ping || exit 1
