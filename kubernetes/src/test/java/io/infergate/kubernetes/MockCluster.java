package io.infergate.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;

/**
 * A fabric8 mock API server in CRUD mode on an ephemeral port, with the CRDs of our kinds installed (status
 * subresource on) and a client for it. Paths under {@code notInstalled} prefixes answer 404, as an API server does
 * for a CRD that is not installed (the CRUD mode would answer an empty list).
 */
public final class MockCluster implements AutoCloseable {

    static final List<WatchedKind> ALL_CRDS = List.of(
            WatchScope.POOL_V1,
            WatchScope.POOL_V1ALPHA2,
            WatchScope.INFERENCE_MODEL,
            WatchScope.INFERENCE_OBJECTIVE,
            WatchScope.INFERENCE_MODEL_REWRITE,
            WatchScope.GATEWAY,
            WatchScope.HTTP_ROUTE,
            WatchScope.TCP_ROUTE);

    public final KubernetesMockServer server;
    public final KubernetesClient client;

    public MockCluster() {
        this(List.of());
    }

    MockCluster(List<String> notInstalled) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(responses);
        Dispatcher dispatcher = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                for (String prefix : notInstalled) {
                    if (request.getPath().startsWith(prefix)) {
                        return new MockResponse()
                                .setResponseCode(404)
                                .setBody("{\"kind\":\"Status\",\"apiVersion\":"
                                        + "\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}");
                    }
                }
                return crud.dispatch(request);
            }

            @Override
            public void shutdown() {
                crud.shutdown();
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
        server.init();
        client = server.createClient();
        for (WatchedKind k : ALL_CRDS) {
            if (notInstalled.stream().anyMatch(p -> ("/apis/" + k.apiVersion() + "/").startsWith(p))) {
                continue;
            }
            client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .resource(new CustomResourceDefinitionBuilder()
                            .withNewMetadata()
                            .withName(k.plural() + "." + k.group())
                            .endMetadata()
                            .withNewSpec()
                            .withGroup(k.group())
                            .withScope("Namespaced")
                            .withNewNames()
                            .withKind(k.kind())
                            .withPlural(k.plural())
                            .endNames()
                            .addNewVersion()
                            .withName(k.version())
                            .withServed(true)
                            .withStorage(true)
                            .withNewSubresources()
                            .withNewStatus()
                            .endStatus()
                            .endSubresources()
                            .endVersion()
                            .endSpec()
                            .build())
                    .createOr(existing -> existing.update());
        }
    }

    /** Creates or replaces one object written in YAML. */
    public GenericKubernetesResource apply(String yaml) {
        GenericKubernetesResource r =
                client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
        return client.resource(r).createOr(existing -> existing.update());
    }

    /** Deletes one object. */
    public void delete(WatchedKind kind, String namespace, String name) {
        client.genericKubernetesResources(kind.context())
                .inNamespace(namespace)
                .withName(name)
                .delete();
    }

    /** The object as the server has it now, or null. */
    public GenericKubernetesResource get(WatchedKind kind, String namespace, String name) {
        return client.genericKubernetesResources(kind.context())
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    /**
     * Closes the client and stops the server. A stop that times out because of the mock's own deadlock is tolerated:
     * when a watch closes while the mock is sending it an event (a status write a moment before the test ended, say),
     * the mock's {@code WatchEventsListener.onClosed} waits on the Vert.x event loop for its sender thread, which waits
     * up to 30 s for a write that needs that event loop; {@code MockWebServer.shutdown} gives up after 10 s. Whether
     * that happens is a matter of timing, it concerns only the mock, and the test's assertions have all run.
     */
    @Override
    public void close() {
        client.close();
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            if (!(e.getCause() instanceof TimeoutException)) {
                throw e;
            }
            LoggerFactory.getLogger(MockCluster.class)
                    .warn(
                            "the mock API server did not stop in time ({}); a watch"
                                    + " closed while it was sent an event",
                            e.getMessage());
        }
    }
}
