// The tests start brokers, workers and child processes and measure progress over time; on 2 cores they are
// steadier one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
