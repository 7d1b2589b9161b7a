/**
 * Streams: the named, live media a source produces, their tracks and state, the registry that finds them, and subscriptions to their media.
 */
@Export
@Version("1.4.0")
package io.sightline.api.stream;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
