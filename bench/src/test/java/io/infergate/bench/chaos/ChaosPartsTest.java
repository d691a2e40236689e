package io.infergate.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.api.Problem;
import io.infergate.api.load.LoadResult;
import io.infergate.api.load.ManifestLoader;
import io.infergate.api.model.InferencePool;
import io.infergate.api.validate.ManifestValidator;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.PickerRef;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chaos tool's pure parts: /proc parsing, the table, the counter sum, the priority mix, the h2 frames. */
class ChaosPartsTest {

    @Test
    void procStatsReadsRssDescriptorsAndTheOpenFilesLimit(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("status"), "Name:\tjava\nVmPeak:\t  999 kB\nVmRSS:\t  123456 kB\nThreads:\t9\n");
        Files.writeString(
                dir.resolve("limits"),
                "Limit                     Soft Limit           Hard Limit           Units\n"
                        + "Max open files            65536                1048576              files\n");
        Files.writeString(
                dir.resolve("stat"), "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 1 0\n");
        Files.createDirectory(dir.resolve("fd"));
        for (int i = 0; i < 3; i++) {
            Files.writeString(dir.resolve("fd").resolve(Integer.toString(i)), "");
        }
        ProcStats p = ProcStats.read(dir);
        assertThat(p).isEqualTo(new ProcStats(123456, 3, 65536, 3000));
        assertThat(p.rssMb()).isEqualTo(123456 / 1024.0);
    }

    @Test
    void aMissingProcEntryIsUnknownNotAnError(@TempDir Path dir) {
        assertThat(ProcStats.read(dir.resolve("gone"))).isEqualTo(ProcStats.UNKNOWN);
        assertThat(ProcStats.openFilesLimit(List.of("Max open files            unlimited            unlimited  files")))
                .isEqualTo(-1);
    }

    @Test
    void theTableFormatsNumbersAndMissingValues() {
        Table t = new Table("T", List.of("case", "n", "p99 ms"));
        assertThat(t.add("a", 3, 12.345)).isEqualTo("| a | 3 | 12.3 |");
        assertThat(t.add("b", 0, Double.NaN)).isEqualTo("| b | 0 | - |");
        assertThat(t.markdown()).isEqualTo("| case | n | p99 ms |\n|---|---|---|\n| a | 3 | 12.3 |\n| b | 0 | - |");
        assertThat(t.rows().get(1)).containsEntry("p99 ms", null);
        assertThatThrownBy(() -> t.add("c")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCounterIsSummedOverItsLabelSets() {
        String text = "# TYPE infergate_upstream_retries_total counter\n"
                + "infergate_upstream_retries_total{pool=\"a\"} 2.0\n"
                + "infergate_upstream_retries_total{pool=\"b\"} 3\n"
                + "infergate_upstream_retries_totalx 100\n";
        assertThat(ChaosRun.counter(text, "infergate_upstream_retries_total")).isEqualTo(5);
        assertThat(ChaosRun.counter("other_total 1\n", "infergate_upstream_retries_total"))
                .isZero();
        assertThat(ChaosRun.counter("", "infergate_upstream_retries_total")).isEqualTo(-1);
    }

    @Test
    void theMixIsTwentyFiftyThirty() {
        int[] n = new int[3];
        for (int i = 0; i < 100; i++) {
            n[ChaosRun.classOf(i)]++;
        }
        assertThat(n).containsExactly(20, 50, 30);
    }

    @Test
    void anH2FrameHasItsNineByteHeader() {
        byte[] f = Attacks.frame(1, 0x4, 3, new byte[] {7, 8});
        assertThat(f).containsExactly(0, 0, 2, 1, 4, 0, 0, 0, 3, 7, 8);
        assertThat(Attacks.h2RequestHeaders(100)[0]).isEqualTo((byte) 0x83);
    }

    @Test
    void thePickerCasesManifestsNameAnExternalPickerWithItsFailureMode() {
        LoadResult r = ManifestLoader.load(
                "picker.yaml", Manifests.gatewayWithPicker("pool", 8080, List.of(8000, 8001), 9002, "FailClose"));
        assertThat(r.errors()).isEmpty();
        assertThat(ManifestValidator.validate(r.manifests())).noneMatch(Problem::isError);
        GatewayConfig config = GatewayConfig.compile(r.manifests());
        assertThat(config.pools())
                .singleElement()
                .satisfies(pool -> assertThat(pool.picker()).isInstanceOfSatisfying(PickerRef.External.class, e -> {
                    assertThat(e.failureMode()).isEqualTo(InferencePool.FailureMode.FAIL_CLOSE);
                    assertThat(e.tls()).isTrue();
                    assertThat(e.addresses()).containsExactly(InetSocketAddress.createUnresolved("127.0.0.1", 9002));
                    assertThat(pool.snapshot().endpoints()).hasSize(2);
                }));
    }

    @Test
    void onlyDocumentedStatusesAreMapped() {
        assertThat(ChaosClient.mappedStatus(429)).isTrue();
        assertThat(ChaosClient.mappedStatus(503)).isTrue();
        assertThat(ChaosClient.mappedStatus(500)).isFalse();
        assertThat(ChaosClient.errorCode("{\"error\":{\"type\":\"t\"}}")).isEqualTo("t");
        assertThat(ChaosClient.errorCode("not json")).isNull();
    }
}
