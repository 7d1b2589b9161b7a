package io.sightline.cluster.internal;

/**
 * One member of the cluster as this node sees it.
 *
 * @param id      the member's id (Hazelcast member UUID)
 * @param address the member's cluster address
 * @param name    its node name
 * @param local   whether it is this node
 * @param record  its last published record; null until it has published
 * @param ageMillis how old the record is on this node's clock (as published); -1 without a record
 */
record NodeView(String id, String address, String name, boolean local, NodeRecord record, long ageMillis) {
}
