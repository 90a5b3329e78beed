// The live tests start a broker and worker hosts; on 2 cores they are steadier one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
