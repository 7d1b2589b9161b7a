/**
 * The cluster as other bundles see it: its nodes and what each published. Provided by the optional cluster feature;
 * absent on a single node.
 */
@Export
@Version("1.0.0")
package io.sightline.api.cluster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
