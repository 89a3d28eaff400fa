// Browser tests measure real-time behaviour (fps, A/V sync, barge-in latency) on a 2-core machine:
// running test classes side by side would measure the other tests' load instead.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
