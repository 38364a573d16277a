// @ts-check
// What a REST resource shows of a GraphQL type: the DRF serializer, derived from the schema.
//
// Every scalar and enum field (that needs no argument), value objects (types without an `id`,
// such as Money) in full, related entities as `{ id }` (DRF's primary-key fields), and the
// children a resource embeds (a cart's items, an order's items) one level deep. Connections
// and fields with required arguments are left to their own endpoints.
import { getNamedType, isEnumType, isInterfaceType, isNonNullType, isObjectType, isScalarType, isUnionType } from 'graphql';

/** Children shown inside their parent (DRF nested serializers), by type. */
export const EMBEDDED = {
  Cart: ['items', 'sellers'],
  CartSellerGroup: ['items'],
  Order: ['items', 'history', 'shipments'],
  Checkout: ['orders', 'problems'],
  Product: ['variants', 'images', 'attributes'],
  ProductVariant: ['stock'],
  Shipment: ['items', 'tracking'],
  Return: ['items', 'history'],
  Role: ['permissions'],
  KycStatusResult: ['latestSubmission'],
  KycSubmission: ['documents'],
  Recommendations: ['items'],
  RecommendedProduct: ['product'],
  RecommendationRule: ['stats'],
  SearchSuggestion: ['product'],
};

/** Lighter rows in lists (as DRF list serializers often are): what a page of them embeds. */
export const EMBEDDED_IN_LISTS = {
  Product: ['variants', 'images'],
};

/** Left out of a child shown inside its parent: live stock is never cached, so a product with
 * it could not be served from the router's public cache (a variant's own endpoint has it). */
export const OMITTED_WHEN_EMBEDDED = {
  ProductVariant: ['stock'],
};

const MAX_DEPTH = 4;

/** @param {import('graphql').GraphQLField<unknown, unknown>} field */
function needsArguments(field) {
  return field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined);
}

/** @param {import('graphql').GraphQLNamedType} type */
function isEntity(type) {
  return isObjectType(type) && 'id' in type.getFields();
}

/**
 * The selection set (GraphQL text, without braces) a resource of `type` shows.
 * @param {import('graphql').GraphQLObjectType} type
 * @param {number} [depth]
 * @param {boolean} [embedded] whether `type` is shown inside a parent (its own children: ids only)
 * @param {string} [parent] the parent's type: an embedded child does not point back at it
 * @param {boolean} [inList] a row of a list page (embeds `EMBEDDED_IN_LISTS` where it says)
 * @returns {string}
 */
export function selectionOf(type, depth = 0, embedded = false, parent = undefined, inList = false) {
  const parts = [];
  /** @type {Record<string, string[]>} */
  const lighter = EMBEDDED_IN_LISTS;
  const embeds = new Set((inList && lighter[type.name]) || /** @type {Record<string, string[]>} */ (EMBEDDED)[type.name] || []);
  /** @type {Record<string, string[]>} */
  const omissions = OMITTED_WHEN_EMBEDDED;
  const omitted = new Set(embedded ? (omissions[type.name] ?? []) : []);
  for (const field of Object.values(type.getFields())) {
    if (needsArguments(field) || field.args.length || omitted.has(field.name)) continue;
    const named = getNamedType(field.type);
    if (isScalarType(named) || isEnumType(named)) {
      parts.push(field.name);
      continue;
    }
    if (isUnionType(named) || isInterfaceType(named) || !isObjectType(named)) continue;
    if (named.name.endsWith('Connection')) continue;
    if (depth >= MAX_DEPTH || named.name === parent) continue;
    if (!isEntity(named)) {
      parts.push(`${field.name} { ${selectionOf(named, depth + 1, embedded)} }`);
    } else if (embeds.has(field.name) && !embedded) {
      parts.push(`${field.name} { ${selectionOf(named, depth + 1, true, type.name)} }`);
    } else {
      parts.push(`${field.name} { id }`);
    }
  }
  return parts.join(' ');
}
