// Builds the page from elements and text nodes only. Strings always become text nodes, so article text, titles
// and source names are shown as typed, never interpreted as HTML; nothing in this app assigns innerHTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

function apply(element, attributes) {
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (name === 'value' && 'value' in element) {
      element.value = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  return element;
}

/** An HTML element: h('a', { href: '#/' }, 'text', child, [more]). */
export function h(tag, attributes, ...children) {
  const element = apply(document.createElement(tag), attributes);
  append(element, children);
  return element;
}

/** An SVG element, the same way. */
export function s(tag, attributes, ...children) {
  const element = apply(document.createElementNS(SVG_NS, tag), attributes);
  append(element, children);
  return element;
}

/** Replaces the content of a node. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}
