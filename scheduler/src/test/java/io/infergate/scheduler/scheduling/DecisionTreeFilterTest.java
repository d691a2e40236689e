package io.infergate.scheduler.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.scheduling.plugins.DecisionTreeFilter;
import io.infergate.scheduler.scheduling.plugins.DecisionTreeFilter.Node;
import io.infergate.scheduler.scheduling.plugins.SelectingFilter;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** GIE's {@code DecisionTreeFilter.Filter} semantics, branch by branch, with predicate filters on pod indexes. */
class DecisionTreeFilterTest {

    private static final SchedulingContext CTX =
            new SchedulingContext(PickRequest.of("r", "m", 0, 0), Pods.NOW, new SplittableRandom(1), null);

    /** Keeps the candidates whose queue satisfies the predicate. */
    private static SelectingFilter queue(String name, IntPredicate keepQueue) {
        return new SelectingFilter() {
            @Override
            public String type() {
                return "test-filter";
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean[] select(SchedulingContext ctx, Candidates c) {
                boolean[] keep = new boolean[c.size()];
                for (int i = 0; i < c.size(); i++) {
                    keep[i] = keepQueue.test(c.metrics(i).waitingQueue());
                }
                return keep;
            }
        };
    }

    /** Pods with queues 0, 5 and 10. */
    private static Candidates pods() {
        return Candidates.of(
                List.of(Pods.endpoint(0), Pods.endpoint(1), Pods.endpoint(2)),
                List.of(Pods.metrics(0, 0.1), Pods.metrics(5, 0.1), Pods.metrics(10, 0.1)));
    }

    private static List<String> run(Node root) {
        Candidates c = pods();
        new DecisionTreeFilter("tree", root).filter(CTX, c);
        return c.endpoints().stream().map(e -> e.name()).toList();
    }

    private static final SelectingFilter NONE = queue("none", q -> false);
    private static final SelectingFilter BELOW_6 = queue("below-6", q -> q < 6);
    private static final SelectingFilter ABOVE_4 = queue("above-4", q -> q > 4);

    @Test
    void successPassesWhatWasKeptToNextOnSuccess() {
        assertThat(run(new Node(BELOW_6, new Node(ABOVE_4, null, null, null), null, null)))
                .containsExactly("pod1-rank-0");
    }

    @Test
    void failurePassesTheOriginalInputToNextOnFailure() {
        assertThat(run(new Node(NONE, null, new Node(ABOVE_4, null, null, null), null)))
                .containsExactly("pod1-rank-0", "pod2-rank-0");
    }

    @Test
    void nextOnSuccessOrFailureServesWhicheverBranchIsMissing() {
        Node next = new Node(ABOVE_4, null, null, null);
        assertThat(run(new Node(BELOW_6, null, null, next))).containsExactly("pod1-rank-0");
        assertThat(run(new Node(NONE, null, null, next))).containsExactly("pod1-rank-0", "pod2-rank-0");
    }

    @Test
    void aSucceedingLeafReturnsWhatItKept() {
        assertThat(run(new Node(BELOW_6, null, null, null))).containsExactly("pod0-rank-0", "pod1-rank-0");
    }

    @Test
    void aFailingLeafLeavesNoCandidatesAsGieReturnsItsEmptyResult() {
        assertThat(run(new Node(NONE, null, null, null))).isEmpty();
        // also deeper down: success, then a failing leaf with no failure branch
        assertThat(run(new Node(BELOW_6, new Node(NONE, null, null, null), null, null)))
                .isEmpty();
        // a failure branch present only for success does not rescue the failure
        assertThat(run(new Node(NONE, new Node(ABOVE_4, null, null, null), null, null)))
                .isEmpty();
    }

    @Test
    void asTheCurrentFilterOfAnotherTreeAnEmptyResultCountsAsFailure() {
        DecisionTreeFilter inner = new DecisionTreeFilter("inner", new Node(NONE, null, null, null));
        assertThat(run(new Node(inner, null, new Node(ABOVE_4, null, null, null), null)))
                .containsExactly("pod1-rank-0", "pod2-rank-0");
        DecisionTreeFilter keeping = new DecisionTreeFilter("inner", new Node(BELOW_6, null, null, null));
        assertThat(run(new Node(keeping, new Node(ABOVE_4, null, null, null), null, null)))
                .containsExactly("pod1-rank-0");
    }
}
