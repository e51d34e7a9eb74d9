package dev.herald.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubscribersTest {
    /** Stands for a connection: only identity matters. */
    private static final class Conn {
        final int id;

        Conn(int id) {
            this.id = id;
        }

        @Override
        public String toString() {
            return "conn" + id;
        }
    }

    private static List<Conn> walk(Subscribers<Conn> subscribers) {
        List<Conn> seen = new ArrayList<>();
        Object[] slots = subscribers.slots();
        for (int i = 0, end = subscribers.end(); i < end; i++) {
            if (slots[i] != null) {
                seen.add((Conn) slots[i]);
            }
        }
        return seen;
    }

    @Test
    void holdsWhatWasAddedAndNotRemovedInOrder() {
        Subscribers<Conn> subscribers = new Subscribers<>();
        List<Conn> conns = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            conns.add(new Conn(i));
            subscribers.add(conns.get(i));
        }
        for (int i = 0; i < 100; i += 3) {
            assertThat(subscribers.remove(conns.get(i))).isTrue();
        }
        assertThat(subscribers.remove(conns.get(0))).as("removed twice").isFalse();
        assertThat(subscribers.remove(new Conn(-1))).as("never added").isFalse();
        List<Conn> expected = conns.stream().filter(c -> c.id % 3 != 0).toList();
        assertThat(walk(subscribers)).containsExactlyElementsOf(expected);
        assertThat(subscribers.size()).isEqualTo(expected.size());
    }

    @Test
    void removingMostCompactsTheArrayAndAddingAfterwardsStillWorks() {
        Subscribers<Conn> subscribers = new Subscribers<>();
        List<Conn> conns = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            conns.add(new Conn(i));
            subscribers.add(conns.get(i));
        }
        for (int i = 0; i < 990; i++) {
            subscribers.remove(conns.get(i));
        }
        assertThat(subscribers.end()).as("cleared slots dropped").isLessThan(40);
        assertThat(subscribers.slots().length).isLessThan(100);
        Conn late = new Conn(1000);
        subscribers.add(late);
        List<Conn> expected = new ArrayList<>(conns.subList(990, 1000));
        expected.add(late);
        assertThat(walk(subscribers)).containsExactlyElementsOf(expected);
        assertThat(subscribers.size()).isEqualTo(11);
    }

    /**
     * A walk in progress while connections are removed and added (a shed during delivery, a registration):
     * every connection present at the start and never removed is visited exactly once, none twice, and none
     * added after the walk began.
     */
    @Test
    void aWalkIsNotDisturbedByRemovalsAndAdditionsDuringIt() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            Subscribers<Conn> subscribers = new Subscribers<>();
            List<Conn> present = new ArrayList<>();
            int n = 1 + random.nextInt(300);
            for (int i = 0; i < n; i++) {
                Conn c = new Conn(i);
                present.add(c);
                subscribers.add(c);
            }
            Set<Conn> removedDuringWalk = new HashSet<>();
            Set<Conn> addedDuringWalk = new HashSet<>();
            List<Conn> visited = new ArrayList<>();
            Object[] slots = subscribers.slots();
            for (int i = 0, end = subscribers.end(); i < end; i++) {
                Conn c = (Conn) slots[i];
                if (c == null) {
                    continue;
                }
                visited.add(c);
                // Up to two removals per step, so more than half go during the walk and the array is compacted under it.
                for (int r = random.nextInt(3); r > 0; r--) {
                    Conn victim = present.get(random.nextInt(present.size()));
                    if (subscribers.remove(victim)) {
                        removedDuringWalk.add(victim);
                    }
                }
                if (random.nextInt(5) == 0) {
                    Conn added = new Conn(10_000 + addedDuringWalk.size());
                    subscribers.add(added);
                    addedDuringWalk.add(added);
                }
            }
            assertThat(new HashSet<>(visited)).as("none twice").hasSameSizeAs(visited);
            assertThat(visited).allMatch(c -> !addedDuringWalk.contains(c), "not added during the walk");
            for (Conn c : present) {
                if (!removedDuringWalk.contains(c)) {
                    assertThat(visited).as("round %d: %s kept, so visited", round, c).contains(c);
                }
            }
            Set<Conn> remaining = new HashSet<>(present);
            remaining.removeAll(removedDuringWalk);
            remaining.addAll(addedDuringWalk);
            assertThat(walk(subscribers)).containsExactlyInAnyOrderElementsOf(remaining);
            assertThat(subscribers.size()).isEqualTo(remaining.size());
        }
    }
}
