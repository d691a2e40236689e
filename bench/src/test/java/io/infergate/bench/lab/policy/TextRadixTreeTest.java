package io.infergate.bench.lab.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextRadixTreeTest {

    @Test
    void matchFindsTheLongestPrefixAndItsTenant() {
        TextRadixTree tree = new TextRadixTree();
        tree.insert("hello world", 0);
        tree.insert("hello there", 1);
        TextRadixTree.Match m = tree.match("hello thermometer");
        assertThat(m.matchedChars()).isEqualTo("hello there".length() - 1); // "hello ther" then 'e' vs 'm'
        assertThat(m.tenant()).isEqualTo(1);
        assertThat(m.inputChars()).isEqualTo(17);
        assertThat(tree.match("hello world!").tenant()).isZero();
        assertThat(tree.match("goodbye").matchedChars()).isZero();
    }

    @Test
    void splitsKeepSizesInCharactersPerTenant() {
        TextRadixTree tree = new TextRadixTree();
        tree.insert("abcdef", 0);
        assertThat(tree.size(0)).isEqualTo(6);
        tree.insert("abcxyz", 0); // splits "abcdef" into "abc" + "def", adds "xyz"
        assertThat(tree.size(0)).isEqualTo(9);
        assertThat(tree.nodeCount()).isEqualTo(3);
        tree.insert("abcxyz", 1);
        assertThat(tree.size(1)).isEqualTo(6);
        tree.insert("ab", 1); // a prefix of an edge: split again, no new characters for tenant 1
        assertThat(tree.size(1)).isEqualTo(6);
        assertThat(tree.size(0)).isEqualTo(9);
    }

    @Test
    void evictionDropsLeastRecentLeavesUntilEachTenantFits() {
        TextRadixTree tree = new TextRadixTree();
        tree.insert("aaaaaaaaaa", 0);
        tree.insert("bbbbbbbbbb", 0);
        tree.insert("cccccccccc", 1);
        tree.evictBySize(10);
        assertThat(tree.size(0)).isEqualTo(10);
        assertThat(tree.match("aaaaaaaaaa").matchedChars()).isZero(); // older, evicted
        assertThat(tree.match("bbbbbbbbbb").matchedChars()).isEqualTo(10);
        assertThat(tree.match("cccccccccc").matchedChars()).isEqualTo(10); // tenant 1 was within its budget
        tree.evictBySize(1);
        assertThat(tree.size(0)).isZero();
        assertThat(tree.size(1)).isZero();
        assertThat(tree.nodeCount()).isZero();
    }

    @Test
    void evictionKeepsASharedPrefixWhileAnotherTenantHoldsIt() {
        TextRadixTree tree = new TextRadixTree();
        tree.insert("shared-prefix/one", 0);
        tree.insert("shared-prefix/two", 1);
        tree.evictBySize(0 + 1);
        assertThat(tree.size(0)).isZero();
        assertThat(tree.size(1)).isZero();
        tree.insert("shared-prefix/two", 1);
        tree.insert("shared-prefix/one", 0);
        tree.evictBySize(100);
        assertThat(tree.match("shared-prefix/two").tenant()).isEqualTo(1);
        assertThat(tree.match("shared-prefix/one").tenant()).isEqualTo(0);
    }
}
