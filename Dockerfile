# syntax=docker/dockerfile:1
#
# One Dockerfile, two images: build with --target publisher or --target gateway (the default, last stage, is
# the gateway). Both images share the build inputs (parent POM + common module) and must share the runtime
# setup (JRE, user, JVM flags, health check), so they live in one file instead of two copies that drift.
#
#   docker build --target publisher -t herald/publisher:local .
#   docker build --target gateway   -t herald/gateway:local .
#
# The build context is the repository root (see .dockerignore). Without a registry (as on the CI host),
# scripts/build-images.sh makes Debian bases and builds both images with podman.

ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

# ---- build ---------------------------------------------------------------------------------------------
FROM ${BUILD_IMAGE} AS source
WORKDIR /src
# POMs first, so that a source-only change does not invalidate the layers above the sources.
COPY pom.xml ./
COPY common/pom.xml common/
COPY publisher/pom.xml publisher/
COPY gateway/pom.xml gateway/
# The root POM lists bench and the Java client as modules: Maven needs their POMs in the reactor even when
# building another module, and the gateway's tests (compiled even with -DskipTests) use the client.
COPY bench/pom.xml bench/
COPY clients/java/pom.xml clients/java/
# The publisher jar serves docs/openapi.yaml (a resource of publisher/pom.xml).
COPY docs/openapi.yaml docs/
COPY common/src common/src
COPY publisher/src publisher/src
COPY gateway/src gateway/src
COPY clients/java/src clients/java/src

FROM source AS build-publisher
# The Maven repository is a BuildKit cache mount: dependencies are downloaded once per builder, not per build.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl publisher -am package -DskipTests \
    && cp publisher/target/publisher.jar /publisher.jar

FROM source AS build-gateway
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl gateway -am package -DskipTests \
    && cp gateway/target/gateway.jar /gateway.jar

# ---- runtime -------------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE} AS runtime
# The health check uses curl; Temurin images ship it today, install it if a future base image does not.
RUN set -eux; \
    if ! command -v curl >/dev/null 2>&1; then \
        apt-get update; \
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl; \
        rm -rf /var/lib/apt/lists/*; \
    fi; \
    groupadd --system --gid 10001 herald; \
    useradd --system --uid 10001 --gid herald --home-dir /app --no-create-home --shell /usr/sbin/nologin herald; \
    mkdir -p /app; \
    chown herald:herald /app
WORKDIR /app
# In a container the admin listener (metrics, probes) must be reachable from outside the container; it is
# still never published to the host by docker-compose.yml. HERALD_HTTP_PORT / HERALD_ADMIN_PORT are the
# defaults, repeated here because EXPOSE and HEALTHCHECK below depend on them.
ENV HERALD_HTTP_HOST=0.0.0.0 \
    HERALD_HTTP_PORT=8080 \
    HERALD_ADMIN_HOST=0.0.0.0 \
    HERALD_ADMIN_PORT=9090
# 8080: public port (REST API on the publisher, SSE on the gateway); 9090: admin (/metrics, /health/*).
EXPOSE 8080 9090
# Ready = connected to Redis (and, on the gateway, tailing; false at once while a gateway drains).
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:${HERALD_ADMIN_PORT:-9090}/health/ready" || exit 1
# Docker's default, stated because the gateway's graceful drain depends on receiving SIGTERM.
STOPSIGNAL SIGTERM
USER 10001:10001

FROM runtime AS publisher
COPY --from=build-publisher --chown=10001:10001 /publisher.jar /app/publisher.jar
# Exec form: java is PID 1 and receives SIGTERM itself (no shell in between). More JVM options:
# JAVA_TOOL_OPTIONS, e.g. -e JAVA_TOOL_OPTIONS=-XX:+HeapDumpOnOutOfMemoryError.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/publisher.jar"]

FROM runtime AS gateway
COPY --from=build-gateway --chown=10001:10001 /gateway.jar /app/gateway.jar
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/gateway.jar"]
