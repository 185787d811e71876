# handin in one image: every service, the content inspector, the health
# probe, staff and student tools. docs/deploy.md says how to build and run it;
# docker-compose.yml and k8s/ use it.
#
#   docker build -t handin:dev .
#
# tests/deploy/dockerfile_check.py keeps this file honest without a container
# engine: every shared library the binaries below load must come from a
# package HANDIN_RUNTIME_PACKAGES installs (or one of their dependencies),
# and every binary in HANDIN_BINARIES must be built by the tree. Keep both
# lists in the form `ARG NAME="word word \` ... `"` so it can read them.

# ---- build: Debian 12 with the packages scripts/lib/deps.sh lists ----------
FROM debian:bookworm AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG HANDIN_BINARIES="handin-storage handin-deadline handin-intake \
  handin-grading handin-inspect handin-health handin-admin handin \
  handin-gateway"
WORKDIR /src
# deps.sh alone first, so the package layer is cached across source changes.
COPY scripts/lib/deps.sh scripts/lib/deps.sh
# Node.js and npm (Debian's) build the staff dashboard (npm ci, lockfile).
RUN source scripts/lib/deps.sh && handin_install_deps \
 && handin_install_packages nodejs npm \
 && rm -rf /var/lib/apt/lists/*
COPY . .
# Release, without the tests and benchmarks; only the binaries the image
# ships. They land in build/bin (CMAKE_RUNTIME_OUTPUT_DIRECTORY).
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DBUILD_TESTING=OFF \
 && cmake --build build --target ${HANDIN_BINARIES} dashboard -- -j"$(nproc)" \
 && mkdir -p /out/bin /out/share/handin \
 && cp -r build/dashboard /out/share/handin/dashboard \
 && for b in ${HANDIN_BINARIES}; do \
      strip --strip-unneeded -o "/out/bin/$b" "build/bin/$b"; done \
 && cp scripts/lib/tls.sh scripts/lib/keys.sh /out/share/handin/

# ---- runtime: slim Debian 12, the shared libraries and data files only -----
FROM debian:bookworm-slim AS runtime
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# Runtime halves of the -dev packages the build links against, plus data the
# binaries read: tzdata (course time zones), libmagic-mgc (the inspector's
# file-type database), ca-certificates. openssl is for the one-shot `init`
# service of docker-compose.yml, which makes TLS material and keys with
# scripts/lib/tls.sh and keys.sh (copied to /usr/local/share/handin).
ARG HANDIN_RUNTIME_PACKAGES="libstdc++6 libabsl20220623 libgrpc++1.51 \
  libgrpc29 libprotobuf32 librocksdb7.8 libssl3 libspdlog1.10 libfmt9 \
  libqpdf29 libarchive13 libmagic1 libmagic-mgc \
  libpocojwt80 libpococrypto80 libpocojson80 libpocofoundation80 \
  libcpp-httplib0.11 libbrotli1 \
  tzdata ca-certificates openssl"
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ${HANDIN_RUNTIME_PACKAGES} \
 && rm -rf /var/lib/apt/lists/*

# A fixed, unprivileged uid (k8s/ runs as it: runAsUser 10001). Its home
# holds storage's data and intake's spool; the mount points exist in the
# image, owned by handin, so named volumes start with the right owner.
RUN groupadd --system --gid 10001 handin \
 && useradd --system --uid 10001 --gid handin --home-dir /var/lib/handin \
      --shell /usr/sbin/nologin handin \
 && install -d -o handin -g handin -m 0700 /var/lib/handin \
      /var/lib/handin/storage /var/lib/handin/spool /etc/handin/tls \
      /etc/handin/keys \
 && install -d -m 0755 /etc/handin/courses

COPY --from=build /out/bin/ /usr/local/bin/
COPY --from=build /out/share/handin/ /usr/local/share/handin/
COPY config/courses/ /etc/handin/courses/

USER 10001:10001
WORKDIR /var/lib/handin
# Which port the health check asks; each service sets its own
# (docker-compose.yml). The probe presents the service certificate, which
# servers with --mtls require and the others ignore.
ENV HANDIN_HEALTH_PORT=50051 \
    HANDIN_TLS_DIR=/etc/handin/tls
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD handin-health --quiet --addr="localhost:${HANDIN_HEALTH_PORT}" \
      --ca="${HANDIN_TLS_DIR}/ca.pem" --cert="${HANDIN_TLS_DIR}/server.pem" \
      --key="${HANDIN_TLS_DIR}/server.key"
# No default service: say which one, e.g. `handin-storage --data_dir=...`.
CMD ["handin", "--help"]
