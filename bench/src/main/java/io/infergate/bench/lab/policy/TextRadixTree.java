package io.infergate.bench.lab.policy;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The approximate, multi-tenant radix tree of SGLang's gateway ({@code sgl-model-gateway/src/policies/tree.rs}),
 * over raw request text, with workers as tenants (small int ids here). Edges are compressed (a node holds a run of
 * characters); each node records, per tenant that inserted text through it, a last-access "epoch" from a counter
 * that every insert and match advances, as SGLang's {@code get_epoch()} does. The rules reproduced:
 * <ul>
 *   <li>{@link #insert}: every node on the path gets the tenant (with epoch 0 when it is new there: SGLang does not
 *       refresh intermediate nodes); the node where the text ends, or the new leaf holding its unmatched rest, gets
 *       a fresh epoch. A tenant's size grows by the characters of each node it newly appears on.</li>
 *   <li>{@link #match}: walk as far as the text matches (a partial edge counts); the answer is the deepest node's
 *       cached "last tenant" if it still holds it, else its lowest tenant id (SGLang takes the first entry of a hash
 *       map, an arbitrary one); one match in eight (epoch divisible by 8) refreshes that tenant's epoch there.</li>
 *   <li>{@link #evictBySize}: a global min-heap of (node, tenant) leaves by epoch; pop, skip tenants already within
 *       {@code maxSize} characters, otherwise drop the tenant from the node (and the node when nobody is left), and
 *       push the parent when it became that tenant's leaf.</li>
 * </ul>
 * Characters are Java {@code char}s (UTF-16 units) where SGLang counts Unicode scalar values: identical for text in
 * the Basic Multilingual Plane. Heap ties are broken by push order (SGLang's {@code BinaryHeap} order is arbitrary).
 *
 * <p>Cost: insert and match are linear in the text (character comparisons along one path, one substring copy for a
 * new leaf or a split); eviction walks the whole tree. Memory is one copy of each distinct text suffix plus a
 * {@code long} per tenant per node. Not thread-safe: the lab is single-threaded.
 */
final class TextRadixTree {

    static final long ABSENT = -1;

    /** A match: the tenant of the deepest matched node ({@code -1} when the tree has none) and the counts. */
    record Match(int tenant, int matchedChars, int inputChars) {}

    private final Node root = new Node(null, "");
    private long[] sizes = new long[0];
    private long epoch;
    private long pushes;

    /** Records that {@code tenant} now holds {@code text}. */
    void insert(String text, int tenant) {
        growSizes(tenant);
        if (!root.has(tenant)) {
            root.set(tenant, 0); // the root is never evicted, so it needs no access time
        }
        Node prev = root;
        int pos = 0;
        int len = text.length();
        while (pos < len) {
            char c = text.charAt(pos);
            Node child = prev.child(c);
            if (child == null) {
                String rest = text.substring(pos);
                Node leaf = new Node(prev, rest);
                leaf.lastTenant = tenant;
                leaf.set(tenant, nextEpoch());
                sizes[tenant] += rest.length();
                prev.putChild(c, leaf);
                return;
            }
            int shared = sharedPrefix(text, pos, child.text);
            if (shared < child.text.length()) {
                Node mid = new Node(prev, child.text.substring(0, shared));
                mid.access = child.access.clone();
                mid.lastTenant = child.lastTenant;
                child.text = child.text.substring(shared);
                child.parent = mid;
                mid.putChild(child.text.charAt(0), child);
                prev.putChild(c, mid);
                if (!mid.has(tenant)) {
                    sizes[tenant] += shared;
                    mid.set(tenant, 0);
                }
                prev = mid;
            } else {
                if (!child.has(tenant)) {
                    sizes[tenant] += shared;
                    child.set(tenant, 0);
                }
                prev = child;
            }
            pos += shared;
        }
        prev.set(tenant, nextEpoch());
    }

    /** The longest match of {@code text} in the tree and the tenant credited with it. */
    Match match(String text) {
        Node cur = root;
        int pos = 0;
        int matched = 0;
        int len = text.length();
        while (pos < len) {
            Node child = cur.child(text.charAt(pos));
            if (child == null) {
                break;
            }
            int shared = sharedPrefix(text, pos, child.text);
            matched += shared;
            cur = child; // a partial edge still names this node's tenants
            if (shared < child.text.length()) {
                break;
            }
            pos += shared;
        }
        int tenant = cur.lastTenant;
        if (tenant < 0 || !cur.has(tenant)) {
            tenant = cur.firstTenant();
            cur.lastTenant = tenant;
        }
        long e = nextEpoch();
        // SGLang refreshes the matched node one match in eight, to keep its shared maps uncontended
        if ((e & 7) == 0 && tenant >= 0 && cur.has(tenant)) {
            cur.set(tenant, e);
        }
        return new Match(tenant, matched, len);
    }

    /** Evicts least recently used leaves until every tenant holds at most {@code maxSize} characters. */
    void evictBySize(long maxSize) {
        PriorityQueue<Leaf> heap = new PriorityQueue<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            for (Node child : node.children()) {
                stack.push(child);
            }
            for (int t = 0; t < node.access.length; t++) {
                if (node.access[t] != ABSENT && !anyChildHas(node, t)) {
                    heap.add(new Leaf(node.access[t], pushes++, t, node));
                }
            }
        }
        while (!heap.isEmpty()) {
            Leaf leaf = heap.poll();
            int t = leaf.tenant;
            Node node = leaf.node;
            if (sizes[t] <= maxSize) {
                continue;
            }
            if (!node.has(t) || anyChildHas(node, t)) {
                continue; // no longer this tenant's leaf
            }
            sizes[t] = Math.max(0, sizes[t] - node.text.length());
            node.set(t, ABSENT);
            Node parent = node.parent;
            if (parent != null && node.childCount() == 0 && node.firstTenant() < 0) {
                parent.removeChild(node.text.charAt(0));
            }
            if (parent != null && parent.has(t) && !anyChildHas(parent, t)) {
                heap.add(new Leaf(parent.access[t], pushes++, t, parent));
            }
        }
    }

    /** Characters {@code tenant} holds (the sum of the lengths of the nodes it is on). */
    long size(int tenant) {
        return tenant < sizes.length ? sizes[tenant] : 0;
    }

    /** Nodes below the root, for tests. */
    int nodeCount() {
        int count = 0;
        ArrayDeque<Node> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            for (Node child : stack.pop().children()) {
                count++;
                stack.push(child);
            }
        }
        return count;
    }

    private long nextEpoch() {
        return epoch++;
    }

    private void growSizes(int tenant) {
        if (tenant < 0) {
            throw new IllegalArgumentException("tenant: " + tenant + " (expected: >= 0)");
        }
        if (tenant >= sizes.length) {
            sizes = Arrays.copyOf(sizes, Math.max(tenant + 1, sizes.length * 2));
        }
    }

    private static boolean anyChildHas(Node node, int tenant) {
        for (Node child : node.children()) {
            if (child.has(tenant)) {
                return true;
            }
        }
        return false;
    }

    private static int sharedPrefix(String text, int from, String edge) {
        int max = Math.min(text.length() - from, edge.length());
        int i = 0;
        while (i < max && text.charAt(from + i) == edge.charAt(i)) {
            i++;
        }
        return i;
    }

    private record Leaf(long epoch, long order, int tenant, Node node) implements Comparable<Leaf> {
        @Override
        public int compareTo(Leaf o) {
            int c = Long.compare(epoch, o.epoch);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    private static final class Node {
        private static final long[] NONE = new long[0];
        private static final Map<Character, Node> NO_CHILDREN = Map.of();

        String text;
        Node parent;
        /** Per tenant id: last access epoch, or {@link #ABSENT}. */
        long[] access = NONE;

        int lastTenant = -1;
        private Map<Character, Node> children = NO_CHILDREN;

        Node(Node parent, String text) {
            this.parent = parent;
            this.text = text;
        }

        boolean has(int tenant) {
            return tenant >= 0 && tenant < access.length && access[tenant] != ABSENT;
        }

        void set(int tenant, long value) {
            if (tenant >= access.length) {
                if (value == ABSENT) {
                    return;
                }
                int old = access.length;
                access = Arrays.copyOf(access, tenant + 1);
                Arrays.fill(access, old, access.length, ABSENT);
            }
            access[tenant] = value;
        }

        int firstTenant() {
            for (int t = 0; t < access.length; t++) {
                if (access[t] != ABSENT) {
                    return t;
                }
            }
            return -1;
        }

        Node child(char c) {
            return children.get(c);
        }

        void putChild(char c, Node child) {
            if (children == NO_CHILDREN) {
                children = new HashMap<>(4);
            }
            children.put(c, child);
        }

        void removeChild(char c) {
            if (children != NO_CHILDREN) {
                children.remove(c);
            }
        }

        int childCount() {
            return children.size();
        }

        Iterable<Node> children() {
            return children.values();
        }
    }
}
