package io.transferqueue.backend.simple;

/** Test seam: told when a unit thread starts a task. Must not throw; may block (tests use a barrier). */
interface UnitListener {
    UnitListener NONE = (unit, op) -> {
    };

    /** Called on the unit's thread before it runs {@code op} ({@code put}, {@code get} or {@code clear}). */
    void beforeTask(int unit, String op);
}
