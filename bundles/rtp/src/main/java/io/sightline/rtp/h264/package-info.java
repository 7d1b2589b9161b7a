/**
 * H.264 elementary-stream framing (ITU-T H.264 Annex B, ISO/IEC 14496-15 length prefixes): splitting what encoders,
 * demuxers and files hand over into the NAL units that the RTP payload format (RFC 6184) carries.
 */
@Export
@Version("0.3.0")
package io.sightline.rtp.h264;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
