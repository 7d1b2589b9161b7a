package io.sightline.architecture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * What the built bundles declare about configuration, read from the XML bnd generated: the metatype
 * ({@code OSGI-INF/metatype/*.xml}): which PID or factory PID is described by which attributes, with which defaults.
 */
final class Metatypes {
    /** One declared key: its metatype type, default (empty when none) and allowed values (empty when any). */
    record Attribute(String id, String type, String dflt, List<String> options) {
    }

    /** Attributes by key, for each designated PID and factory PID. */
    private final Map<String, Map<String, Attribute>> byPid = new HashMap<>();

    static Metatypes read(Iterable<BundleManifest> bundles) throws IOException {
        Metatypes m = new Metatypes();
        for (BundleManifest b : bundles) {
            if (Files.isDirectory(b.location())) {
                m.readOsgiInf(b.location().resolve("OSGI-INF"));
            } else {
                try (FileSystem jar = FileSystems.newFileSystem(b.location())) {
                    m.readOsgiInf(jar.getPath("/OSGI-INF"));
                }
            }
        }
        return m;
    }

    /** The keys declared for a PID or factory PID (empty when nothing designates it). */
    Map<String, Attribute> declared(String pid) {
        return byPid.getOrDefault(pid, Map.of());
    }

    private void readOsgiInf(Path osgiInf) throws IOException {
        if (!Files.isDirectory(osgiInf)) {
            return;
        }
        Path metatype = osgiInf.resolve("metatype");
        if (Files.isDirectory(metatype)) {
            try (Stream<Path> files = Files.list(metatype)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".xml")).toList()) {
                    readMetatype(parse(f));
                }
            }
        }
    }

    private void readMetatype(Document d) {
        Map<String, Map<String, Attribute>> ocds = new HashMap<>();
        for (Element ocd : elements(d.getDocumentElement(), "OCD")) {
            Map<String, Attribute> attributes = new LinkedHashMap<>();
            for (Element ad : elements(ocd, "AD")) {
                List<String> options = new ArrayList<>();
                for (Element o : elements(ad, "Option")) {
                    options.add(o.getAttribute("value"));
                }
                attributes.put(ad.getAttribute("id"), new Attribute(ad.getAttribute("id"), ad.getAttribute("type"),
                        ad.getAttribute("default"), options));
            }
            ocds.put(ocd.getAttribute("id"), attributes);
        }
        for (Element designate : elements(d.getDocumentElement(), "Designate")) {
            String ocdRef = elements(designate, "Object").get(0).getAttribute("ocdref");
            for (String pid : Arrays.asList(designate.getAttribute("pid"), designate.getAttribute("factoryPid"))) {
                if (!pid.isEmpty()) {
                    byPid.computeIfAbsent(pid, k -> new LinkedHashMap<>()).putAll(ocds.getOrDefault(ocdRef, Map.of()));
                }
            }
        }
    }

    private static List<Element> elements(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getElementsByTagNameNS("*", localName);
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    private static Document parse(Path xml) throws IOException {
        try (InputStream in = Files.newInputStream(xml)) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            return f.newDocumentBuilder().parse(in);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("cannot read " + xml, e);
        }
    }
}
