#!/usr/bin/env bash
# Installs the host packages jpod drives (Debian 12, as root). Safe to run again: it only calls apt
# when something is missing.
set -euo pipefail

# golang-github-containers-common provides the default seccomp profile (/usr/share/containers/seccomp.json);
# catatonit is pods' infra process and the init of --init (libpod.conf init_path).
packages=(runc conmon catatonit containernetworking-plugins golang-github-containers-common busybox-static curl)
# Clients the test suite drives against jpod: podman's remote client (jpod keeps its own config,
# storage and lock paths, so podman's package defaults do not touch it).
packages+=(podman)
# docker-compose (v1, Debian's) drives jpod through the Docker socket in the listener tests.
packages+=(docker-compose)
# podman-compose (1.0.3) drives jpod through podman's remote client in ComposeIT.
packages+=(podman-compose)
# The dashboard's browser test: headless Chromium driven through chromedriver (Selenium).
packages+=(chromium chromium-driver)
# Registry tests run their own distribution registry on loopback (never the package's system service or its
# /etc/docker/registry/config.yml: each test writes its own config), skopeo seeds it with test images, and
# htpasswd (apache2-utils) writes its bcrypt password file.
packages+=(docker-registry skopeo apache2-utils)
# Names on networks: the CNI dnsname plugin runs one dnsmasq per user network.
packages+=(golang-github-containernetworking-plugin-dnsname dnsmasq-base)

if [ "$(id -u)" -ne 0 ]; then
  echo "host-setup: run as root (apt-get install needs it)" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "host-setup: installing ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# A JDK 17 to build and run jpod; present on the project's machines, installed when absent.
if ! command -v javac >/dev/null 2>&1; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless
fi

# The group whose members may use jpod's sockets (as Docker's docker group): membership is root on this host.
groupadd -f --system jpod

echo "host-setup: runc $(runc --version | head -1 | awk '{print $3}'), $(conmon --version | head -1)"
