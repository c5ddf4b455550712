package dev.capstan.tuning.bench;

/**
 * What one replay of one algorithm with one seed measured. Costs are in the file's cost unit.
 *
 * @param costToTarget    GPU cost used when the best trial first reached the target; infinite when it never did
 * @param wallToTarget    simulated time when it did; infinite when it never did
 * @param bestAtBudget    the best trial value (each trial's last report; failed trials count for nothing) once
 *                        the budget was used up, or at the end if the replay ran out of work first
 * @param stoppedAtBudget trials stopped early or left paused at a rung at that point
 * @param trialsAtBudget  trials created by then
 * @param totalCost       GPU cost of everything the replay ran (to its last event)
 */
public record Outcome(double costToTarget, double wallToTarget, double bestAtBudget, int stoppedAtBudget,
                      int trialsAtBudget, double totalCost) {

    public boolean reachedTarget() {
        return Double.isFinite(costToTarget);
    }
}
