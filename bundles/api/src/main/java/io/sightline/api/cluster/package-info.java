/**
 * The cluster as other bundles see it: its nodes and what each published, and which node reads each pull source or holds each WHIP-published stream.
 * Provided by the optional cluster feature; absent on a single node.
 */
@Export
@Version("1.3.0")
package io.sightline.api.cluster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
