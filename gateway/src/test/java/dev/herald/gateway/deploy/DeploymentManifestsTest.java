package dev.herald.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.typesafe.config.ConfigFactory;
import dev.herald.common.config.ConfigLoader;
import dev.herald.gateway.Gateway;
import dev.herald.gateway.GatewaySettings;
import dev.herald.gateway.testing.Haproxy;
import dev.herald.gateway.testing.SseClient;
import dev.herald.publisher.Publisher;
import dev.herald.publisher.PublisherSettings;
import dev.herald.testing.RedisExtension;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Checks the deployment files (Dockerfile, docker-compose.yml, deploy/, k8s/) for what graceful drain, probes,
 * load balancing and monitoring depend on. Nothing here needs Docker or Kubernetes: the manifests are parsed as
 * YAML, and the Grafana dashboard's metric names are compared with what a real publisher and gateway export.
 * When {@code kubectl} (or {@code kustomize}) is on PATH, the overlays are also rendered and checked.
 */
class DeploymentManifestsTest {
    /** The gateway's admin port in containers: probes, HAProxy health checks and Prometheus use it. */
    private static final int ADMIN_PORT = 9090;
    private static final int HTTP_PORT = 8080;
    /** Least time allowed between the end of the drain period and the orchestrator's SIGKILL. */
    private static final Duration MIN_MARGIN = Duration.ofSeconds(5);
    private static final String GATEWAY = "herald-gateway";
    private static final String PUBLISHER = "herald-publisher";
    private static final String CONFIG_MAP = "herald-config";
    private static final String DRAIN_ENV = "HERALD_GATEWAY_DRAIN_PERIOD";

    private static final Path ROOT = findRoot();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    private static LiveMetrics liveMetrics;

    // ---- every file parses ----------------------------------------------------------------------------

    @Test
    void everyYamlManifestParses() throws IOException {
        List<Path> files = yamlFiles();
        assertThat(files).as("YAML files under k8s/ and deploy/, and docker-compose.yml")
                .contains(ROOT.resolve("docker-compose.yml"), ROOT.resolve("k8s/base/kustomization.yaml"));
        for (Path file : files) {
            List<JsonNode> docs = readYaml(file);
            assertThat(docs).as("documents in %s", rel(file)).isNotEmpty();
            for (JsonNode doc : docs) {
                assertThat(doc.isObject()).as("every document of %s is a mapping", rel(file)).isTrue();
                if (rel(file).startsWith("k8s/")) {
                    assertThat(text(doc, "apiVersion")).as("apiVersion in %s", rel(file)).isNotBlank();
                    assertThat(text(doc, "kind")).as("kind in %s", rel(file)).isNotBlank();
                    if (!"Kustomization".equals(text(doc, "kind"))) {
                        assertThat(text(doc.path("metadata"), "name")).as("metadata.name in %s", rel(file)).isNotBlank();
                    }
                }
            }
        }
    }

    @Test
    void kustomizationsReferenceExistingFiles() throws IOException {
        List<Path> kustomizations = yamlFiles().stream()
                .filter(p -> p.getFileName().toString().equals("kustomization.yaml")).collect(Collectors.toList());
        assertThat(kustomizations.stream().map(DeploymentManifestsTest::rel))
                .contains("k8s/base/kustomization.yaml", "k8s/overlays/dev/kustomization.yaml",
                        "k8s/overlays/prod/kustomization.yaml", "k8s/grafana/kustomization.yaml");
        for (Path k : kustomizations) {
            JsonNode doc = single(k);
            Path dir = k.getParent();
            for (JsonNode r : doc.path("resources")) {
                Path target = dir.resolve(r.asText()).normalize();
                assertThat(Files.isRegularFile(target) || Files.isRegularFile(target.resolve("kustomization.yaml")))
                        .as("%s: resource %s exists", rel(k), r.asText()).isTrue();
            }
            for (JsonNode p : doc.path("patches")) {
                assertThat(p.has("path") || p.has("patch")).as("%s: patch has a path or is inline", rel(k)).isTrue();
                if (p.has("path")) {
                    assertThat(dir.resolve(p.path("path").asText())).as("%s: patch file", rel(k)).isRegularFile();
                }
                if (p.has("patch")) {
                    // A strategic-merge patch is a mapping; a JSON 6902 patch (with a target) a list of operations.
                    JsonNode patch = YAML.readTree(p.path("patch").asText());
                    assertThat(patch.isObject() || (p.has("target") && patch.isArray())).as("%s: inline patch parses", rel(k)).isTrue();
                }
            }
            for (JsonNode g : doc.path("configMapGenerator")) {
                for (JsonNode f : g.path("files")) {
                    String name = f.asText().contains("=") ? f.asText().substring(f.asText().indexOf('=') + 1) : f.asText();
                    assertThat(dir.resolve(name)).as("%s: generator file", rel(k)).isRegularFile();
                }
            }
        }
    }

    // ---- Kubernetes base --------------------------------------------------------------------------------

    @Test
    void baseGatewayDeploymentHasAdminPortProbesAndEnoughGraceForTheDrain() throws IOException {
        checkGatewayDeployment(baseResources(), "k8s/base");
    }

    @Test
    void basePublisherDeploymentHasAdminPortProbesAndPreStop() throws IOException {
        checkPublisherDeployment(baseResources(), "k8s/base");
    }

    @Test
    void baseDisruptionBudgetAutoscalerAndServicesMatchThePods() throws IOException {
        List<JsonNode> docs = baseResources();
        checkDisruptionBudget(docs, "k8s/base");
        checkAutoscaler(docs, "k8s/base");
        checkServicesAndReferences(docs, "k8s/base");
    }

    @Test
    void baseRunsADevelopmentRedisWithAppendOnlyFileOnAVolume() throws IOException {
        List<JsonNode> docs = baseResources();
        JsonNode sts = find(docs, "StatefulSet", "herald-redis").orElseThrow(() -> new AssertionError("no StatefulSet herald-redis"));
        JsonNode redisContainer = sts.path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(redisContainer.path("image").asText()).startsWith("redis:7.2");
        assertThat(joined(redisContainer.path("command")) + " " + joined(redisContainer.path("args"))).contains("--appendonly yes");
        assertThat(sts.path("spec").path("volumeClaimTemplates")).as("PVC template").isNotEmpty();
        String claim = sts.path("spec").path("volumeClaimTemplates").get(0).path("metadata").path("name").asText();
        assertThat(stream(redisContainer.path("volumeMounts")).map(m -> m.path("name").asText())).contains(claim);
        assertThat(configMapData(docs).get("HERALD_REDIS_URI")).startsWith("redis://herald-redis:");
    }

    @Test
    void prodOverlayReplacesTheDevelopmentRedis() throws IOException {
        Path prod = ROOT.resolve("k8s/overlays/prod");
        JsonNode kustomization = single(prod.resolve("kustomization.yaml"));
        List<JsonNode> patches = new ArrayList<>();
        for (JsonNode p : kustomization.path("patches")) {
            patches.addAll(p.has("path") ? readYaml(prod.resolve(p.path("path").asText())) : List.of(YAML.readTree(p.path("patch").asText())));
        }
        // Every base resource of the development Redis is deleted ...
        for (JsonNode doc : baseResources()) {
            String name = doc.path("metadata").path("name").asText();
            if (name.startsWith("herald-redis")) {
                assertThat(patches.stream().anyMatch(p -> "delete".equals(p.path("$patch").asText())
                        && text(p, "kind").equals(text(doc, "kind")) && p.path("metadata").path("name").asText().equals(name)))
                        .as("prod deletes %s %s", text(doc, "kind"), name).isTrue();
            }
        }
        // ... and HERALD_REDIS_URI points elsewhere.
        String uri = patches.stream().filter(p -> "ConfigMap".equals(text(p, "kind")) && CONFIG_MAP.equals(p.path("metadata").path("name").asText()))
                .map(p -> p.path("data").path("HERALD_REDIS_URI").asText(null)).filter(v -> v != null).findFirst()
                .orElseThrow(() -> new AssertionError("prod patches HERALD_REDIS_URI in " + CONFIG_MAP));
        assertThat(uri).doesNotContain("herald-redis").matches("(redis|rediss|redis-sentinel|rediss-sentinel)://.+");
    }

    @Test
    void overlaysRenderWithKustomizeAndKeepTheChecks() throws Exception {
        List<String> kustomize = kustomizeCommand();
        assumeTrue(kustomize != null, "neither kubectl nor kustomize on PATH: overlays not rendered (base checked statically)");
        for (String overlay : List.of("dev", "prod")) {
            String where = "rendered k8s/overlays/" + overlay;
            List<JsonNode> docs = render(kustomize, ROOT.resolve("k8s/overlays/" + overlay));
            checkGatewayDeployment(docs, where);
            checkPublisherDeployment(docs, where);
            checkDisruptionBudget(docs, where);
            checkAutoscaler(docs, where);
            checkServicesAndReferences(docs, where);
            Set<String> namespaces = docs.stream().filter(d -> !"Namespace".equals(text(d, "kind")))
                    .map(d -> d.path("metadata").path("namespace").asText()).collect(Collectors.toSet());
            assertThat(namespaces).as("%s: one namespace", where).hasSize(1);
            assertThat(find(docs, "Namespace", namespaces.iterator().next())).as("%s: namespace object", where).isPresent();
            boolean devRedis = find(docs, "StatefulSet", "herald-redis").isPresent();
            String uri = configMapData(docs).get("HERALD_REDIS_URI");
            if (overlay.equals("dev")) {
                assertThat(devRedis).as("dev keeps the development Redis").isTrue();
                assertThat(uri).startsWith("redis://herald-redis:");
            } else {
                assertThat(devRedis).as("prod has no development Redis").isFalse();
                assertThat(docs.stream().map(d -> d.path("metadata").path("name").asText())).noneMatch(n -> n.startsWith("herald-redis"));
                assertThat(uri).doesNotContain("herald-redis");
            }
        }
    }

    // ---- the production overlay ------------------------------------------------------------------------

    private static List<JsonNode> renderedProd() throws Exception {
        List<String> kustomize = kustomizeCommand();
        assumeTrue(kustomize != null, "neither kubectl nor kustomize on PATH: the prod overlay's resources not checked");
        return render(kustomize, ROOT.resolve("k8s/overlays/prod"));
    }

    @Test
    void prodHasAuthOnWithKeysFromASecretMountedAsFilesAndListsFromAConfigFile() throws Exception {
        List<JsonNode> docs = renderedProd();
        Map<String, String> config = configMapData(docs);
        assertThat(config).containsEntry("HERALD_AUTH_ENABLED", "true");
        String confText = strings(find(docs, "ConfigMap", "herald-conf").orElseThrow(() -> new AssertionError("no ConfigMap herald-conf"))
                .path("data")).get("herald.conf");
        assertThat(confText).as("herald-conf herald.conf").isNotNull();
        Matcher include = Pattern.compile("include required\\(file\\(\"([^\"]+)\"\\)\\)").matcher(confText);
        assertThat(include.find()).as("the config file includes the Secret's file, required").isTrue();
        String secretFile = include.group(1);
        // The rest is plain HOCON setting only real list keys.
        var conf = ConfigFactory.parseString(confText.replace(include.group(), ""));
        assertThat(conf.hasPath("herald.retention.overrides")).isTrue();
        for (String name : List.of(GATEWAY, PUBLISHER)) {
            JsonNode pod = find(docs, "Deployment", name).orElseThrow().path("spec").path("template").path("spec");
            JsonNode c = pod.path("containers").get(0);
            Map<String, String> env = containerEnv(c);
            String javaOptions = env.getOrDefault("JAVA_TOOL_OPTIONS", "") + " " + joined(c.path("command"));
            Matcher configFile = Pattern.compile("-Dconfig\\.file=(\\S+)").matcher(javaOptions);
            assertThat(configFile.find()).as("%s: -Dconfig.file", name).isTrue();
            assertThat(mountedFrom(pod, c, configFile.group(1))).as("%s: %s mounted", name, configFile.group(1))
                    .isEqualTo("configMap:herald-conf");
            assertThat(mountedFrom(pod, c, secretFile)).as("%s: %s mounted", name, secretFile).isEqualTo("secret:herald-auth");
            assertThat(mountedFrom(pod, c, config.get("HERALD_AUTH_JWT_JWKS_FILE"))).as("%s: JWKS from the Secret", name)
                    .isEqualTo("secret:herald-auth");
            // No key material in environment variables (they leak into /proc, crash reports, kubectl describe).
            assertThat(env.keySet()).as(name).doesNotContain("HERALD_AUTH_JWT_HS256_SECRET", "HERALD_ADMIN_TOKEN");
        }
        assertThat(config.keySet()).doesNotContain("HERALD_AUTH_JWT_HS256_SECRET", "HERALD_ADMIN_TOKEN");
    }

    /** Where a file a container sees comes from ("secret:NAME", "configMap:NAME"), by its volume mounts; null if unmounted. */
    private static String mountedFrom(JsonNode pod, JsonNode container, String file) {
        for (JsonNode m : container.path("volumeMounts")) {
            String at = text(m, "mountPath");
            boolean match = m.has("subPath") ? at.equals(file) : file.startsWith(at + "/");
            if (match) {
                assertThat(m.path("readOnly").asBoolean()).as("%s mounted read-only", at).isTrue();
                JsonNode volume = stream(pod.path("volumes")).filter(v -> text(v, "name").equals(text(m, "name"))).findFirst().orElseThrow();
                return volume.has("secret") ? "secret:" + volume.path("secret").path("secretName").asText()
                        : volume.has("configMap") ? "configMap:" + volume.path("configMap").path("name").asText() : "other";
            }
        }
        return null;
    }

    @Test
    void prodGatewaysHaveRequestsEqualLimitsAndAJvmSizedFromTheLimit() throws Exception {
        JsonNode c = container(find(renderedProd(), "Deployment", GATEWAY).orElseThrow().path("spec").path("template").path("spec"), "gateway");
        JsonNode resources = c.path("resources");
        assertThat(resources.path("requests")).as("Guaranteed QoS").isEqualTo(resources.path("limits"));
        long limit = bytes(resources.path("limits").path("memory").asText());
        String command = joined(c.path("command"));
        Matcher heap = Pattern.compile("-XX:MaxRAMPercentage=(\\d+(?:\\.\\d+)?)").matcher(command);
        Matcher direct = Pattern.compile("-XX:MaxDirectMemorySize=(\\d+[kmgKMG]?)").matcher(command);
        assertThat(heap.find()).as("heap sized from the limit: %s", command).isTrue();
        assertThat(direct.find()).as("direct memory bounded: %s", command).isTrue();
        long heapBytes = (long) (limit * Double.parseDouble(heap.group(1)) / 100);
        long directBytes = bytes(direct.group(1));
        assertThat(heapBytes).as("heap").isGreaterThanOrEqualTo(limit / 4);
        assertThat(heapBytes + directBytes).as("heap + direct leave a fifth of the limit for the rest of the JVM")
                .isLessThanOrEqualTo(limit * 4 / 5);
        assertThat(command).endsWith("-jar /app/gateway.jar");
    }

    /** Kubernetes (Mi, Gi) or JVM (m, g) sizes in bytes. */
    private static long bytes(String size) {
        Matcher m = Pattern.compile("(\\d+)([KMGkmg]i?)?").matcher(size);
        assertThat(m.matches()).as("size %s", size).isTrue();
        int shift = m.group(2) == null ? 0 : switch (Character.toUpperCase(m.group(2).charAt(0))) {
            case 'K' -> 10;
            case 'M' -> 20;
            default -> 30;
        };
        return Long.parseLong(m.group(1)) << shift;
    }

    @Test
    void prodScrapesAndAlertsOnDeliveryLagShedsRedisAnd5xxWithExportedMetricNames() throws Exception {
        List<JsonNode> docs = renderedProd();
        JsonNode monitor = docs.stream().filter(d -> "ServiceMonitor".equals(text(d, "kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no ServiceMonitor"));
        Map<String, String> selector = strings(monitor.path("spec").path("selector").path("matchLabels"));
        String port = monitor.path("spec").path("endpoints").get(0).path("port").asText();
        List<JsonNode> scraped = docs.stream().filter(d -> "Service".equals(text(d, "kind"))
                && strings(d.path("metadata").path("labels")).entrySet().containsAll(selector.entrySet())).toList();
        assertThat(scraped.stream().map(d -> strings(d.path("spec").path("selector")).get("app.kubernetes.io/name")))
                .as("ServiceMonitor selects the admin Services of both").containsExactlyInAnyOrder(GATEWAY, PUBLISHER);
        for (JsonNode svc : scraped) {
            assertThat(stream(svc.path("spec").path("ports")).map(p -> text(p, "name"))).contains(port);
        }
        JsonNode rule = docs.stream().filter(d -> "PrometheusRule".equals(text(d, "kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no PrometheusRule"));
        Map<String, String> alerts = new LinkedHashMap<>();
        for (JsonNode group : rule.path("spec").path("groups")) {
            for (JsonNode r : group.path("rules")) {
                alerts.put(text(r, "alert"), text(r, "expr"));
            }
        }
        String all = String.join("\n", alerts.values());
        assertThat(all).as("delivery lag").contains("herald_gateway_delivery_latency_seconds_bucket")
                .as("shed rate").contains("herald_gateway_sheds_total")
                .as("overload").contains("herald_gateway_overloaded")
                .as("Redis unreachable").contains("herald_gateway_tailer_failures_total").contains("redis_unavailable")
                .as("5xx").contains("status=~\"5..\"");
        LiveMetrics live = liveMetrics();
        Set<String> exported = new TreeSet<>(live.gateway());
        exported.addAll(live.publisher());
        Set<String> used = new TreeSet<>();
        alerts.values().forEach(e -> used.addAll(metricNames(e)));
        assertThat(exported).as("metric names in the alerts are exported by the services").containsAll(used);
    }

    @Test
    void prodHasNetworkPoliciesAnHttpRouteBesideTheIngressAndAutoscalesOnStreams() throws Exception {
        List<JsonNode> docs = renderedProd();
        List<JsonNode> policies = docs.stream().filter(d -> "NetworkPolicy".equals(text(d, "kind"))).toList();
        assertThat(policies).as("a default deny for the namespace").anyMatch(p -> p.path("spec").path("podSelector").isEmpty()
                && p.path("spec").path("ingress").isEmpty() && joined(p.path("spec").path("policyTypes")).contains("Ingress"));
        for (String name : List.of(GATEWAY, PUBLISHER)) {
            Map<String, String> labels = podLabels(find(docs, "Deployment", name).orElseThrow());
            assertThat(policies).as("%s: a policy opens its http port", name).anyMatch(p ->
                    labels.entrySet().containsAll(strings(p.path("spec").path("podSelector").path("matchLabels")).entrySet())
                    && !p.path("spec").path("podSelector").isEmpty()
                    && stream(p.path("spec").path("ingress")).anyMatch(i -> stream(i.path("ports")).anyMatch(pt -> "http".equals(pt.path("port").asText()))));
        }
        JsonNode ingress = find(docs, "Ingress", GATEWAY).orElseThrow(() -> new AssertionError("no Ingress"));
        JsonNode route = find(docs, "HTTPRoute", GATEWAY).orElseThrow(() -> new AssertionError("no HTTPRoute beside the Ingress"));
        assertThat(text(route, "apiVersion")).startsWith("gateway.networking.k8s.io/");
        JsonNode ingressPath = ingress.path("spec").path("rules").get(0).path("http").path("paths").get(0);
        JsonNode rule = route.path("spec").path("rules").get(0);
        assertThat(rule.path("matches").get(0).path("path").path("value").asText()).isEqualTo(text(ingressPath, "path"));
        JsonNode backend = rule.path("backendRefs").get(0);
        assertThat(text(backend, "name")).isEqualTo(ingressPath.path("backend").path("service").path("name").asText());
        JsonNode service = find(docs, "Service", text(backend, "name")).orElseThrow();
        assertThat(stream(service.path("spec").path("ports")).map(p -> p.path("port").asInt())).contains(backend.path("port").asInt());
        assertThat(rule.path("timeouts").path("request").asText()).as("no request timeout on hour-long streams").isEqualTo("0s");
        JsonNode hpa = docs.stream().filter(d -> "HorizontalPodAutoscaler".equals(text(d, "kind"))).findFirst().orElseThrow();
        String streams = stream(hpa.path("spec").path("metrics")).filter(m -> "Pods".equals(text(m, "type")))
                .map(m -> m.path("pods").path("metric").path("name").asText()).findFirst()
                .orElseThrow(() -> new AssertionError("a connection-based (Pods) metric in the HPA"));
        assertThat(liveMetrics().gateway()).as("the HPA's metric is one the gateway exports").contains(streams);
    }

    // ---- Dockerfile and docker compose -----------------------------------------------------------------

    @Test
    void dockerfileBuildsBothImagesNonRootWithHealthCheckAndExecEntrypoint() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfile).contains("maven:3.9-eclipse-temurin-17", "eclipse-temurin:17-jre",
                "mvn -B -q -pl publisher -am package -DskipTests", "mvn -B -q -pl gateway -am package -DskipTests",
                "STOPSIGNAL SIGTERM");
        assertThat(dockerfile).containsPattern("(?m)^EXPOSE\\s+8080\\s+9090\\s*$");
        assertThat(dockerfile).containsPattern("(?m)^HEALTHCHECK\\b[\\s\\S]*?9090[\\s\\S]*?/health/ready");
        Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(dockerfile);
        assertThat(user.find()).as("USER").isTrue();
        assertThat(user.group(1)).doesNotStartWith("0").isNotEqualTo("root");
        for (String target : List.of("publisher", "gateway")) {
            Matcher stage = Pattern.compile("(?ms)^FROM\\s+\\S+\\s+AS\\s+" + target + "\\s*$(.*?)(?=^FROM\\s|\\z)").matcher(dockerfile);
            assertThat(stage.find()).as("stage %s", target).isTrue();
            assertThat(stage.group(1)).as("stage %s: exec-form ENTRYPOINT with the container heap setting", target)
                    .containsPattern("(?m)^ENTRYPOINT \\[\"java\", \"-XX:MaxRAMPercentage=75\",.*\"/app/" + target + "\\.jar\"\\]$");
        }
        assertThat(Files.readAllLines(ROOT.resolve(".dockerignore"))).contains("**/target/", ".git");
        // Maven needs every reactor module's POM, and the publisher jar embeds docs/openapi.yaml (its resource):
        // both must be copied and not excluded by .dockerignore (ContainerImagesIT builds it for real).
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (module.find()) {
            assertThat(dockerfile).as("the Dockerfile copies %s/pom.xml", module.group(1)).contains("COPY " + module.group(1) + "/pom.xml ");
        }
        assertThat(dockerfile).contains("COPY docs/openapi.yaml docs/");
        assertThat(Files.readAllLines(ROOT.resolve(".dockerignore"))).containsSubsequence("docs/", "!docs/openapi.yaml");
    }

    @Test
    void composeRunsRedisWithAofPublisherTwoGatewaysAndHaproxy() throws IOException {
        JsonNode services = single(ROOT.resolve("docker-compose.yml")).path("services");
        assertThat(iterable(services.fieldNames())).contains("redis", "publisher", "gateway-1", "gateway-2", "haproxy", "prometheus", "grafana");
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        services.fields().forEachRemaining(e -> {
            JsonNode build = e.getValue().path("build");
            if (build.has("target")) {
                assertThat(dockerfile).as("service %s: build target exists", e.getKey())
                        .containsPattern("(?m)^FROM\\s+\\S+\\s+AS\\s+" + Pattern.quote(build.path("target").asText()) + "\\s*$");
            }
            JsonNode dependsOn = e.getValue().path("depends_on");
            List<String> dependencies = dependsOn.isObject() ? iterable(dependsOn.fieldNames())
                    : stream(dependsOn).map(JsonNode::asText).collect(Collectors.toList());
            for (String d : dependencies) {
                assertThat(services.has(d)).as("service %s depends on existing %s", e.getKey(), d).isTrue();
            }
        });

        JsonNode redisService = services.path("redis");
        assertThat(redisService.path("image").asText()).isEqualTo("${HERALD_REDIS_IMAGE:-redis:7.2}");
        assertThat(joined(redisService.path("command"))).contains("--appendonly yes");
        assertThat(redisService.path("volumes")).isNotEmpty();
        assertThat(redisService.path("healthcheck").path("test")).isNotEmpty();
        assertThat(stream(redisService.path("ports")).map(JsonNode::asText)).as("Redis is not published on the host").isEmpty();

        assertThat(publishedPorts(services.path("publisher"))).contains("8080:8080");
        assertThat(publishedPorts(services.path("haproxy"))).contains("8081:8081");
        for (String s : List.of("publisher", "gateway-1", "gateway-2")) {
            Map<String, String> env = composeEnvironment(services.path(s));
            assertThat(env).as("%s environment", s).containsEntry("HERALD_ADMIN_HOST", "0.0.0.0")
                    .containsEntry("HERALD_ADMIN_PORT", String.valueOf(ADMIN_PORT));
            assertThat(env.get("HERALD_REDIS_URI")).as("%s Redis", s).isEqualTo("redis://redis:6379");
            assertThat(publishedPorts(services.path(s))).as("%s: admin port not published", s).noneMatch(p -> p.endsWith(":" + ADMIN_PORT));
        }
    }

    @Test
    void composeGatewaysGetTheDrainPeriodPlusAMarginBeforeSigkill() throws IOException {
        JsonNode services = single(ROOT.resolve("docker-compose.yml")).path("services");
        for (String s : List.of("gateway-1", "gateway-2")) {
            JsonNode gw = services.path(s);
            Map<String, String> env = composeEnvironment(gw);
            assertThat(env).as("%s sets %s", s, DRAIN_ENV).containsKey(DRAIN_ENV);
            Duration drain = hoconDuration(env.get(DRAIN_ENV));
            assertThat(text(gw, "stop_grace_period")).as("%s stop_grace_period", s).isNotBlank();
            Duration grace = goDuration(text(gw, "stop_grace_period"));
            assertThat(grace).as("%s: stop_grace_period >= %s drain + %s margin", s, drain, MIN_MARGIN)
                    .isGreaterThanOrEqualTo(drain.plus(MIN_MARGIN));
            String stopSignal = text(gw, "stop_signal");
            assertThat(stopSignal.isEmpty() || stopSignal.equals("SIGTERM")).as("%s stop_signal", s).isTrue();
        }
    }

    @Test
    void haproxyBalancesGatewaysForSseAndHealthChecksReadinessOnTheAdminPort() throws IOException {
        JsonNode services = single(ROOT.resolve("docker-compose.yml")).path("services");
        assertThat(services.path("haproxy").path("image").asText()).isEqualTo("${HERALD_HAPROXY_IMAGE:-haproxy:2.8}");
        assertThat(stream(services.path("haproxy").path("volumes")).map(JsonNode::asText))
                .anyMatch(v -> v.startsWith("./deploy/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg"));
        Map<String, List<String>> sections = Haproxy.sections(ROOT.resolve("deploy/haproxy/haproxy.cfg"));
        assertThat(sections.get("global")).as("bounded balancer socket buffers, or slow clients are never shed")
                .contains("tune.rcvbuf.server 65536", "tune.sndbuf.client 65536");
        List<String> defaults = sections.getOrDefault("defaults", List.of());
        String frontend = sections.keySet().stream().filter(k -> k.startsWith("frontend ")
                && sections.get(k).stream().anyMatch(l -> l.matches("bind\\s+\\S*:8081\\b.*"))).findFirst()
                .orElseThrow(() -> new AssertionError("a frontend binding :8081"));
        String backendName = sections.get(frontend).stream().filter(l -> l.startsWith("default_backend ")).findFirst()
                .orElseThrow(() -> new AssertionError("default_backend in " + frontend)).split("\\s+")[1];
        List<String> backend = sections.get("backend " + backendName);
        assertThat(backend).as("backend %s", backendName).isNotNull();
        List<String> effective = new ArrayList<>(defaults);
        effective.addAll(backend);
        assertThat(effective).anyMatch(l -> l.matches("timeout tunnel\\s+\\S+"))
                .anyMatch(l -> l.matches("timeout server\\s+1h"))
                .anyMatch(l -> l.matches("timeout client\\s+1h"))
                .anyMatch(l -> l.equals("option redispatch"))
                .anyMatch(l -> l.matches("retries\\s+\\d+"))
                .noneMatch(l -> l.contains("http-buffer-request"));
        assertThat(backend).anyMatch(l -> l.matches("balance\\s+(roundrobin|leastconn)"))
                .anyMatch(l -> l.matches("option httpchk (GET )?/health/ready\\b.*") || l.matches("http-check send .*uri /health/ready\\b.*"));
        List<String> servers = backend.stream().filter(l -> l.startsWith("server ")).collect(Collectors.toList());
        String defaultServer = backend.stream().filter(l -> l.startsWith("default-server ")).findFirst().orElse("");
        assertThat(servers.stream().map(l -> l.split("\\s+")[2])).containsExactlyInAnyOrder("gateway-1:" + HTTP_PORT, "gateway-2:" + HTTP_PORT);
        for (String server : servers) {
            String options = defaultServer + " " + server;
            assertThat(options).as("health check on the admin port: %s", server).containsPattern("\\bcheck\\b")
                    .containsPattern("\\bport " + ADMIN_PORT + "\\b");
            assertThat(services.has(server.split("\\s+")[2].split(":")[0])).as("compose service for %s", server).isTrue();
        }
        // The demo page publishes on its own origin: every client-facing frontend routes the publisher API.
        for (String fe : sections.keySet().stream().filter(k -> k.startsWith("frontend ") && !k.equals("frontend stats")).toList()) {
            assertThat(sections.get(fe)).as("%s routes the publisher API", fe)
                    .contains("use_backend publisher if { path /v1/topics /v1/events } || { path_beg /v1/topics/ }");
        }
        assertThat(sections.get("backend publisher")).as("backend publisher").contains("server publisher publisher:" + HTTP_PORT);
    }

    @Test
    void prometheusScrapesTheAdminPortOfPublisherAndBothGateways() throws IOException {
        JsonNode prometheus = single(ROOT.resolve("deploy/prometheus/prometheus.yml"));
        Set<String> targets = new TreeSet<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            String path = job.path("metrics_path").asText("/metrics");
            for (JsonNode sc : job.path("static_configs")) {
                for (JsonNode t : sc.path("targets")) {
                    targets.add(t.asText() + path);
                }
            }
        }
        assertThat(targets).contains("publisher:9090/metrics", "gateway-1:9090/metrics", "gateway-2:9090/metrics");
        JsonNode grafana = single(ROOT.resolve("docker-compose.yml")).path("services").path("grafana");
        assertThat(stream(grafana.path("volumes")).map(JsonNode::asText))
                .anyMatch(v -> v.startsWith("./k8s/grafana/herald-dashboard.json:"))
                .anyMatch(v -> v.startsWith("./deploy/grafana/provisioning:"));
        JsonNode datasources = single(ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml"));
        assertThat(datasources.path("datasources").get(0).path("url").asText()).isEqualTo("http://prometheus:9090");
    }

    // ---- Grafana dashboard -------------------------------------------------------------------------------

    @Test
    void dashboardParsesAndCoversTheServiceMetrics() throws IOException {
        JsonNode dashboard = dashboard();
        assertThat(text(dashboard, "uid")).isNotBlank();
        List<JsonNode> panels = panels(dashboard);
        Set<Integer> ids = new TreeSet<>();
        for (JsonNode p : panels) {
            assertThat(ids.add(p.path("id").asInt())).as("unique panel id %s", p.path("id")).isTrue();
            if (!"row".equals(text(p, "type"))) {
                assertThat(p.path("targets")).as("panel %s has queries", text(p, "title")).isNotEmpty();
                p.path("targets").forEach(t -> assertThat(text(t, "expr")).as("panel %s expr", text(p, "title")).isNotBlank());
            }
        }
        String all = exprs(dashboard).stream().collect(Collectors.joining("\n"));
        assertThat(all).contains("herald_gateway_connections", "herald_gateway_events_delivered_total",
                "herald_gateway_pending_bytes", "herald_gateway_sheds_total", "herald_gateway_replays_total",
                "herald_gateway_tailer_lag_seconds", "herald_publisher_events_total", "herald_publisher_errors_total");
        assertThat(all).contains("histogram_quantile(0.5, sum by (le) (rate(herald_gateway_delivery_latency_seconds_bucket",
                "histogram_quantile(0.99, sum by (le) (rate(herald_gateway_delivery_latency_seconds_bucket");
    }

    @Test
    void dashboardUsesOnlyMetricNamesTheServicesExport() throws Exception {
        LiveMetrics live = liveMetrics();
        assertThat(live.gateway()).as("gateway metrics").contains("herald_gateway_connections", "herald_gateway_delivery_latency_seconds_bucket");
        Set<String> used = dashboardMetricNames();
        used.removeIf(n -> n.startsWith("herald_publisher_"));
        Set<String> exported = new TreeSet<>(live.gateway());
        exported.addAll(live.publisher());
        assertThat(exported).as("metric names exported by the publisher and the gateway").containsAll(used);
    }

    @Test
    void dashboardPublisherPanelsUseMetricNamesThePublisherExports() throws Exception {
        LiveMetrics live = liveMetrics();
        Set<String> product = live.publisher().stream().filter(n -> n.startsWith("herald_publisher_")).collect(Collectors.toCollection(TreeSet::new));
        assumeTrue(!product.isEmpty(), "the publisher on this branch exports no herald_publisher_ metrics yet "
                + "(they are being added on another branch): dashboard publisher panels not checked");
        Set<String> used = dashboardMetricNames().stream().filter(n -> n.startsWith("herald_publisher_")).collect(Collectors.toCollection(TreeSet::new));
        assertThat(used).as("publisher metric names in the dashboard").isNotEmpty();
        assertThat(product).as("herald_publisher_ metrics the publisher exports").containsAll(used);
    }

    @Test
    void promqlMetricNameExtraction() {
        assertThat(metricNames("histogram_quantile(0.99, sum by (le) (rate(a_bucket{instance=~\"$instance\",x=\"rate(b)\"}[$__rate_interval])))"))
                .containsExactly("a_bucket");
        assertThat(metricNames("sum by (route) (rate(x_sum[5m])) / sum without (code) (rate(x_count[5m] offset 1h)) > bool 0"))
                .containsExactlyInAnyOrder("x_sum", "x_count");
        assertThat(metricNames("max(up) * on(instance) group_left(version) build_info or vector(1e3)"))
                .containsExactlyInAnyOrder("up", "build_info");
        assertThat(templateQueryExpr("label_values(herald_gateway_connections, instance)")).isEqualTo("herald_gateway_connections");
        assertThat(templateQueryExpr("label_values(instance)")).isEmpty();
    }

    // ---- checks shared by the base and the rendered overlays --------------------------------------------

    private static void checkGatewayDeployment(List<JsonNode> docs, String where) {
        JsonNode deployment = find(docs, "Deployment", GATEWAY).orElseThrow(() -> new AssertionError(where + ": no Deployment " + GATEWAY));
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = container(pod, "gateway");
        checkAdminProbes(container, where + " " + GATEWAY);
        assertThat(container.path("startupProbe").isObject()).as("%s: startupProbe", where).isTrue();
        assertThat(container.path("resources").path("requests").path("cpu").asText()).as("%s: cpu request (HPA)", where).isNotBlank();
        assertThat(container.path("resources").path("limits").path("memory").asText()).as("%s: memory limit", where).isNotBlank();

        Duration preStop = preStopSleep(container).orElseThrow(() -> new AssertionError(where + ": gateway has no preStop sleep"));
        assertThat(preStop).as("%s: preStop sleep lets endpoints drop before SIGTERM", where).isPositive();
        String drainValue = configMapData(docs).get(DRAIN_ENV);
        assertThat(drainValue).as("%s: %s in ConfigMap %s", where, DRAIN_ENV, CONFIG_MAP).isNotBlank();
        Duration drain = hoconDuration(drainValue);
        Duration grace = Duration.ofSeconds(pod.path("terminationGracePeriodSeconds").asLong(30));
        assertThat(grace).as("%s: terminationGracePeriodSeconds >= preStop %s + drain %s + margin %s", where, preStop, drain, MIN_MARGIN)
                .isGreaterThanOrEqualTo(preStop.plus(drain).plus(MIN_MARGIN));
        assertThat(stream(container.path("envFrom")).map(e -> e.path("configMapRef").path("name").asText())).contains(CONFIG_MAP);
        assertThat(deployment.path("spec").path("replicas").asInt(1)).as("%s: gateway replicas", where).isGreaterThanOrEqualTo(2);
        assertThat(deployment.path("spec").path("strategy").path("rollingUpdate").path("maxUnavailable").asText("25%"))
                .as("%s: rollouts start a new gateway before draining an old one", where).isEqualTo("0");
    }

    private static void checkPublisherDeployment(List<JsonNode> docs, String where) {
        JsonNode deployment = find(docs, "Deployment", PUBLISHER).orElseThrow(() -> new AssertionError(where + ": no Deployment " + PUBLISHER));
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = container(pod, "publisher");
        checkAdminProbes(container, where + " " + PUBLISHER);
        Duration preStop = preStopSleep(container).orElseThrow(() -> new AssertionError(where + ": publisher has no preStop sleep"));
        assertThat(Duration.ofSeconds(pod.path("terminationGracePeriodSeconds").asLong(30)))
                .as("%s: publisher grace period covers preStop + margin", where).isGreaterThanOrEqualTo(preStop.plus(MIN_MARGIN));
    }

    /** Readiness on /health/ready and liveness on /health/live, both on the admin port the process listens on. */
    private static void checkAdminProbes(JsonNode container, String where) {
        Map<String, String> env = containerEnv(container);
        assertThat(env).as("%s: admin listener reachable from the kubelet", where).containsEntry("HERALD_ADMIN_HOST", "0.0.0.0");
        int adminPort = Integer.parseInt(env.getOrDefault("HERALD_ADMIN_PORT", String.valueOf(ADMIN_PORT)));
        int httpPort = Integer.parseInt(env.getOrDefault("HERALD_HTTP_PORT", String.valueOf(HTTP_PORT)));
        assertThat(containerPorts(container).values()).as("%s: declared container ports", where).contains(adminPort, httpPort);
        Map<String, String> paths = Map.of("readinessProbe", "/health/ready", "livenessProbe", "/health/live");
        paths.forEach((probe, path) -> {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.path("path").asText()).as("%s: %s path", where, probe).isEqualTo(path);
            assertThat(resolvePort(container, get.path("port"))).as("%s: %s port is the admin port", where, probe).isEqualTo(adminPort);
        });
        JsonNode startup = container.path("startupProbe").path("httpGet");
        if (!startup.isMissingNode()) {
            assertThat(resolvePort(container, startup.path("port"))).as("%s: startupProbe on the admin port", where).isEqualTo(adminPort);
        }
    }

    private static void checkDisruptionBudget(List<JsonNode> docs, String where) {
        JsonNode pdb = docs.stream().filter(d -> "PodDisruptionBudget".equals(text(d, "kind"))).findFirst()
                .orElseThrow(() -> new AssertionError(where + ": no PodDisruptionBudget"));
        assertThat(text(pdb, "apiVersion")).isEqualTo("policy/v1");
        assertThat(pdb.path("spec").has("maxUnavailable") || pdb.path("spec").has("minAvailable")).as("%s: PDB budget", where).isTrue();
        Map<String, String> selector = strings(pdb.path("spec").path("selector").path("matchLabels"));
        assertThat(selector).as("%s: PDB selector", where).isNotEmpty();
        assertThat(podLabels(find(docs, "Deployment", GATEWAY).orElseThrow())).as("%s: PDB selects the gateway pods", where).containsAllEntriesOf(selector);
        for (JsonNode other : workloads(docs)) {
            if (!GATEWAY.equals(other.path("metadata").path("name").asText())) {
                assertThat(podLabels(other).entrySet().containsAll(selector.entrySet())).as("%s: PDB does not select %s", where,
                        other.path("metadata").path("name").asText()).isFalse();
            }
        }
    }

    private static void checkAutoscaler(List<JsonNode> docs, String where) {
        JsonNode hpa = docs.stream().filter(d -> "HorizontalPodAutoscaler".equals(text(d, "kind"))).findFirst()
                .orElseThrow(() -> new AssertionError(where + ": no HorizontalPodAutoscaler"));
        assertThat(text(hpa, "apiVersion")).isEqualTo("autoscaling/v2");
        JsonNode ref = hpa.path("spec").path("scaleTargetRef");
        assertThat(text(ref, "kind")).isEqualTo("Deployment");
        assertThat(text(ref, "name")).as("%s: HPA targets the gateway Deployment", where).isEqualTo(GATEWAY);
        assertThat(find(docs, "Deployment", text(ref, "name"))).isPresent();
        int min = hpa.path("spec").path("minReplicas").asInt(1);
        assertThat(min).as("%s: at least two gateways, so a drain always has somewhere to send clients", where).isGreaterThanOrEqualTo(2);
        assertThat(hpa.path("spec").path("maxReplicas").asInt()).isGreaterThanOrEqualTo(min);
        assertThat(stream(hpa.path("spec").path("metrics")))
                .as("%s: CPU-based", where).anyMatch(m -> "Resource".equals(text(m, "type")) && "cpu".equals(m.path("resource").path("name").asText()));
    }

    /** Services select existing pods and target ports those pods declare; other references resolve too. */
    private static void checkServicesAndReferences(List<JsonNode> docs, String where) {
        List<JsonNode> workloads = workloads(docs);
        List<JsonNode> services = docs.stream().filter(d -> "Service".equals(text(d, "kind"))).collect(Collectors.toList());
        assertThat(services.stream().map(s -> s.path("metadata").path("name").asText())).contains(GATEWAY, PUBLISHER);
        JsonNode gatewayService = find(docs, "Service", GATEWAY).orElseThrow();
        assertThat(stream(gatewayService.path("spec").path("ports")).map(p -> p.path("port").asInt() + "->" + p.path("targetPort").asText()))
                .as("%s: gateway Service public port", where).contains("80->http");
        assertThat(stream(gatewayService.path("spec").path("ports")).map(p -> resolvePort(container(
                find(docs, "Deployment", GATEWAY).orElseThrow().path("spec").path("template").path("spec"), "gateway"), p.path("targetPort"))))
                .contains(HTTP_PORT);
        for (JsonNode service : services) {
            String name = service.path("metadata").path("name").asText();
            Map<String, String> selector = strings(service.path("spec").path("selector"));
            assertThat(selector).as("%s: Service %s has a selector", where, name).isNotEmpty();
            List<JsonNode> selected = workloads.stream().filter(w -> podLabels(w).entrySet().containsAll(selector.entrySet()))
                    .collect(Collectors.toList());
            assertThat(selected).as("%s: Service %s selects the pods of some workload", where, name).isNotEmpty();
            for (JsonNode port : service.path("spec").path("ports")) {
                JsonNode target = port.has("targetPort") ? port.path("targetPort") : port.path("port");
                for (JsonNode w : selected) {
                    boolean declared = stream(w.path("spec").path("template").path("spec").path("containers"))
                            .anyMatch(c -> resolvePort(c, target) != null);
                    assertThat(declared).as("%s: Service %s targetPort %s is declared by %s", where, name, target.asText(),
                            w.path("metadata").path("name").asText()).isTrue();
                }
            }
        }
        for (JsonNode sts : docs.stream().filter(d -> "StatefulSet".equals(text(d, "kind"))).collect(Collectors.toList())) {
            JsonNode governing = find(docs, "Service", text(sts.path("spec"), "serviceName"))
                    .orElseThrow(() -> new AssertionError(where + ": StatefulSet serviceName has no Service"));
            assertThat(text(governing.path("spec"), "clusterIP")).as("%s: governing Service is headless", where).isEqualTo("None");
        }
        for (JsonNode w : workloads) {
            for (JsonNode c : w.path("spec").path("template").path("spec").path("containers")) {
                for (JsonNode from : c.path("envFrom")) {
                    JsonNode cm = from.path("configMapRef");
                    if (cm.isObject() && !cm.path("optional").asBoolean(false)) {
                        assertThat(find(docs, "ConfigMap", text(cm, "name"))).as("%s: ConfigMap %s exists", where, text(cm, "name")).isPresent();
                    }
                    JsonNode secret = from.path("secretRef");
                    if (secret.isObject()) {
                        assertThat(secret.path("optional").asBoolean(false)).as("%s: a Secret the manifests do not create is optional", where).isTrue();
                    }
                }
            }
        }
        for (JsonNode ingress : docs.stream().filter(d -> "Ingress".equals(text(d, "kind"))).collect(Collectors.toList())) {
            assertThat(ingress.path("metadata").path("annotations").path("nginx.ingress.kubernetes.io/proxy-buffering").asText()).isEqualTo("off");
            assertThat(Integer.parseInt(ingress.path("metadata").path("annotations").path("nginx.ingress.kubernetes.io/proxy-read-timeout").asText("60")))
                    .isGreaterThanOrEqualTo(3600);
            for (JsonNode rule : ingress.path("spec").path("rules")) {
                for (JsonNode path : rule.path("http").path("paths")) {
                    JsonNode backend = path.path("backend").path("service");
                    JsonNode service = find(docs, "Service", text(backend, "name")).orElseThrow(() -> new AssertionError(where + ": Ingress backend Service"));
                    assertThat(stream(service.path("spec").path("ports")).anyMatch(p -> p.path("name").asText().equals(backend.path("port").path("name").asText())
                            || p.path("port").asInt() == backend.path("port").path("number").asInt(-1))).as("%s: Ingress backend port", where).isTrue();
                }
            }
        }
    }

    // ---- Kubernetes helpers -------------------------------------------------------------------------------

    private static List<JsonNode> baseResources() throws IOException {
        Path base = ROOT.resolve("k8s/base");
        List<JsonNode> docs = new ArrayList<>();
        for (JsonNode r : single(base.resolve("kustomization.yaml")).path("resources")) {
            docs.addAll(readYaml(base.resolve(r.asText())));
        }
        return docs;
    }

    private static Optional<JsonNode> find(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(text(d, "kind")) && name.equals(d.path("metadata").path("name").asText())).findFirst();
    }

    private static List<JsonNode> workloads(List<JsonNode> docs) {
        Set<String> kinds = Set.of("Deployment", "StatefulSet", "DaemonSet");
        return docs.stream().filter(d -> kinds.contains(text(d, "kind"))).collect(Collectors.toList());
    }

    private static Map<String, String> podLabels(JsonNode workload) {
        Map<String, String> labels = strings(workload.path("spec").path("template").path("metadata").path("labels"));
        assertThat(labels).as("pod labels of %s", workload.path("metadata").path("name").asText())
                .containsAllEntriesOf(strings(workload.path("spec").path("selector").path("matchLabels")));
        return labels;
    }

    private static JsonNode container(JsonNode podSpec, String name) {
        return stream(podSpec.path("containers")).filter(c -> name.equals(text(c, "name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    private static Map<String, Integer> containerPorts(JsonNode container) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (JsonNode p : container.path("ports")) {
            ports.put(p.path("name").asText(String.valueOf(p.path("containerPort").asInt())), p.path("containerPort").asInt());
        }
        return ports;
    }

    /** The container port a probe or Service names (by name or number), or null if the container does not declare it. */
    private static Integer resolvePort(JsonNode container, JsonNode port) {
        Map<String, Integer> ports = containerPorts(container);
        if (port.isInt() || port.asText().matches("\\d+")) {
            int n = port.asInt();
            return ports.containsValue(n) ? n : null;
        }
        return ports.get(port.asText());
    }

    private static Map<String, String> containerEnv(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode e : container.path("env")) {
            env.put(text(e, "name"), text(e, "value"));
        }
        return env;
    }

    private static Map<String, String> configMapData(List<JsonNode> docs) {
        return strings(find(docs, "ConfigMap", CONFIG_MAP).orElseThrow(() -> new AssertionError("no ConfigMap " + CONFIG_MAP)).path("data"));
    }

    /** The preStop sleep, from an exec {@code sleep N} (plain or through a shell) or the native sleep action. */
    private static Optional<Duration> preStopSleep(JsonNode container) {
        JsonNode preStop = container.path("lifecycle").path("preStop");
        if (preStop.path("sleep").has("seconds")) {
            return Optional.of(Duration.ofSeconds(preStop.path("sleep").path("seconds").asLong()));
        }
        Matcher m = Pattern.compile("\\bsleep\\s+(\\d+)\\b").matcher(joined(preStop.path("exec").path("command")));
        return m.find() ? Optional.of(Duration.ofSeconds(Long.parseLong(m.group(1)))) : Optional.empty();
    }

    private static List<String> kustomizeCommand() {
        if (onPath("kubectl")) {
            return List.of("kubectl", "kustomize");
        }
        if (onPath("kustomize")) {
            return List.of("kustomize", "build");
        }
        return null;
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
    }

    private static List<JsonNode> render(List<String> kustomize, Path dir) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(kustomize);
        command.add(dir.toString());
        Path out = Files.createTempFile("herald-kustomize", ".yaml");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish in 60 s");
            }
            String output = Files.readString(out);
            assertThat(process.exitValue()).as("%s:%n%s", String.join(" ", command), output).isZero();
            return readYaml(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    // ---- compose helpers ------------------------------------------------------------------------------------

    /** env_file entries, then environment (map or list form), as compose applies them. */
    private static Map<String, String> composeEnvironment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode envFiles = service.path("env_file");
        List<JsonNode> files = envFiles.isArray() ? stream(envFiles).collect(Collectors.toList())
                : envFiles.isMissingNode() ? List.of() : List.of(envFiles);
        for (JsonNode f : files) {
            String path = f.isObject() ? text(f, "path") : f.asText();
            try {
                for (String line : Files.readAllLines(ROOT.resolve(path))) {
                    String l = line.trim();
                    if (!l.isEmpty() && !l.startsWith("#") && l.contains("=")) {
                        env.put(l.substring(0, l.indexOf('=')).trim(), l.substring(l.indexOf('=') + 1).trim());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("env_file " + path, e);
            }
        }
        JsonNode environment = service.path("environment");
        if (environment.isObject()) {
            environment.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        } else {
            for (JsonNode e : environment) {
                String s = e.asText();
                env.put(s.contains("=") ? s.substring(0, s.indexOf('=')) : s, s.contains("=") ? s.substring(s.indexOf('=') + 1) : "");
            }
        }
        return env;
    }

    /** Published ports as "host:container", without the bind address or ${...} defaults. */
    private static List<String> publishedPorts(JsonNode service) {
        List<String> ports = new ArrayList<>();
        for (JsonNode p : service.path("ports")) {
            String s = p.asText().replaceAll("\\$\\{[^}]*}:", "").replaceAll("^\\d+\\.\\d+\\.\\d+\\.\\d+:", "");
            ports.add(s.replaceAll("/tcp$", ""));
        }
        return ports;
    }

    /** A compose duration ("30s", "1m30s", "1.5h", "500ms"). */
    static Duration goDuration(String value) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)").matcher(value);
        double nanos = 0;
        int end = 0;
        while (m.find()) {
            assertThat(m.start()).as("duration %s", value).isEqualTo(end);
            end = m.end();
            double n = Double.parseDouble(m.group(1));
            nanos += n * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
        }
        assertThat(end).as("duration %s", value).isEqualTo(value.length()).isPositive();
        return Duration.ofNanos((long) nanos);
    }

    /** A duration as the services parse it (Typesafe Config: "20s", "20 seconds", "1m"). */
    static Duration hoconDuration(String value) {
        return ConfigFactory.parseMap(Map.of("d", value)).getDuration("d");
    }

    // ---- dashboard helpers ----------------------------------------------------------------------------------

    private static JsonNode dashboard() throws IOException {
        return JSON.readTree(ROOT.resolve("k8s/grafana/herald-dashboard.json").toFile());
    }

    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            all.add(p);
            p.path("panels").forEach(all::add); // collapsed rows hold their panels
        }
        return all;
    }

    private static List<String> exprs(JsonNode dashboard) {
        List<String> exprs = new ArrayList<>();
        for (JsonNode p : panels(dashboard)) {
            p.path("targets").forEach(t -> exprs.add(text(t, "expr")));
        }
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if ("query".equals(text(v, "type"))) {
                JsonNode q = v.path("query");
                String expr = templateQueryExpr(q.isObject() ? text(q, "query") : q.asText());
                if (!expr.isEmpty()) {
                    exprs.add(expr);
                }
            }
        }
        return exprs;
    }

    private static Set<String> dashboardMetricNames() throws IOException {
        Set<String> names = new TreeSet<>();
        exprs(dashboard()).forEach(e -> names.addAll(metricNames(e)));
        assertThat(names).as("metric names in the dashboard").isNotEmpty();
        return names;
    }

    /** The PromQL inside a Grafana Prometheus variable query (label_values(expr, label), query_result(expr)). */
    static String templateQueryExpr(String query) {
        Matcher lv = Pattern.compile("^\\s*label_values\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*$").matcher(query);
        if (lv.matches()) {
            return lv.group(1).trim();
        }
        if (query.matches("^\\s*label_values\\(\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*$") || query.matches("^\\s*(label_names|metrics)\\(.*")) {
            return "";
        }
        Matcher qr = Pattern.compile("^\\s*query_result\\((.*)\\)\\s*$").matcher(query);
        return qr.matches() ? qr.group(1) : query;
    }

    private static final Set<String> PROMQL_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan", "atan2", "start", "end");

    /** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels or durations. */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("'(?:\\\\.|[^'\\\\])*'", "''")
                .replaceAll("`[^`]*`", "``")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^\\]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w$.:])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()").matcher(s);
        while (m.find()) {
            if (!PROMQL_KEYWORDS.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    // ---- live metric names -------------------------------------------------------------------------------

    record LiveMetrics(Set<String> publisher, Set<String> gateway) {
    }

    /**
     * Starts a real publisher and gateway on free ports against the test Redis, publishes one event to one
     * subscriber (and sends one invalid publish, so meters created on first use exist), and returns the metric
     * names each admin port's /metrics exports.
     */
    private static synchronized LiveMetrics liveMetrics() throws Exception {
        if (liveMetrics != null) {
            return liveMetrics;
        }
        Map<String, Object> settings = new HashMap<>();
        settings.put("herald.redis.uri", redis.uri());
        settings.put("herald.http.host", "127.0.0.1");
        settings.put("herald.http.port", 0);
        settings.put("herald.http.io-threads", 2);
        settings.put("herald.admin.host", "127.0.0.1");
        settings.put("herald.admin.port", 0);
        var config = ConfigFactory.parseMap(settings).withFallback(ConfigLoader.load()).resolve();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        try (Publisher publisher = Publisher.start(PublisherSettings.from(config));
             Gateway gateway = Gateway.start(GatewaySettings.from(config))) {
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(gateway::isReady);
            try (SseClient subscriber = SseClient.open(gateway.port(), "/v1/stream?topic=deploy-metrics", Map.of())) {
                Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !subscriber.comments().isEmpty());
                HttpResponse<String> ok = post(http, publisher.port(), "/v1/topics/deploy-metrics/events", "{\"data\":\"hello\"}");
                assertThat(ok.statusCode()).as("publish: %s", ok.body()).isEqualTo(201);
                subscriber.awaitData(1, Duration.ofSeconds(15));
                HttpResponse<String> bad = post(http, publisher.port(), "/v1/topics/deploy-metrics/events", "not json");
                assertThat(bad.statusCode()).isEqualTo(400);
            }
            liveMetrics = new LiveMetrics(scrape(http, publisher.adminPort()), scrape(http, gateway.adminPort()));
            return liveMetrics;
        }
    }

    private static HttpResponse<String> post(HttpClient http, int port, String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Set<String> scrape(HttpClient http, int adminPort) throws IOException, InterruptedException {
        assertThat(adminPort).as("admin port").isPositive();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(200);
        Set<String> names = r.body().lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
        assertThat(names).as("samples on admin port %s", adminPort).isNotEmpty();
        return names;
    }

    // ---- files and JSON helpers -----------------------------------------------------------------------------

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isDirectory(dir.resolve("k8s")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("repository root (with docker-compose.yml and k8s/) not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static List<Path> yamlFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("docker-compose.yml"));
        Predicate<Path> yaml = p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml");
        for (String dir : List.of("k8s", "deploy")) {
            try (Stream<Path> walk = Files.walk(ROOT.resolve(dir))) {
                walk.filter(Files::isRegularFile).filter(yaml).sorted().forEach(files::add);
            }
        }
        return files;
    }

    private static List<JsonNode> readYaml(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNextValue()) {
                JsonNode doc = it.nextValue();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new IOException(rel(file) + " does not parse: " + e.getMessage(), e);
        }
        return docs;
    }

    private static JsonNode single(Path file) throws IOException {
        List<JsonNode> docs = readYaml(file);
        assertThat(docs).as("%s has one document", rel(file)).hasSize(1);
        return docs.get(0);
    }

    private static String rel(Path file) {
        return ROOT.relativize(file).toString().replace(File.separatorChar, '/');
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).asText("");
    }

    private static String joined(JsonNode array) {
        return stream(array).map(JsonNode::asText).collect(Collectors.joining(" "));
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list.stream();
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static <T> List<T> iterable(Iterator<T> it) {
        List<T> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }
}
