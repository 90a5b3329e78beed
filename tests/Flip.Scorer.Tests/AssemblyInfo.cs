// The tests start Kestrel, brokers and train small models; on 2 shared cores they are steadier one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
