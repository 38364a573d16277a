// @ts-check
// The route table: every REST endpoint of the spec (`../shared/spec/api-seed.md`), as the
// GraphQL root field it runs and how its query parameters, path and body become variables.
//
// Nothing here is a handler: `operations.mjs` writes one persisted operation per route
// (clients/rest/<name>.graphql, registered as a trusted document), `server.mjs` serves them all
// the same way, and `openapi.mjs` documents them. A new endpoint is one entry.

/**
 * @typedef {'list' | 'retrieve' | 'object' | 'collection' | 'mutation'} Kind
 * @typedef {Record<string, Record<string, unknown>>} Orderings  ordering value -> variables
 * @typedef {{
 *   name: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, kind: Kind,
 *   field: string, viewset: string, summary: string,
 *   params?: Record<string, string>, required?: string[], ordering?: Orderings,
 *   body?: 'args' | string, result?: string, created?: boolean, noContent?: boolean,
 *   cookies?: boolean, public?: boolean, upload?: string,
 * }} Route
 *   `upload`: a multipart/form-data route; the list argument its files fill (uploads.mjs)
 */

/** `?ordering=<name>` and `-<name>` for each sortable field, on an input `{ field, direction }`. */
function sorted(/** @type {string} */ arg, /** @type {Record<string, string>} */ fields, { directions = true } = {}) {
  /** @type {Orderings} */
  const found = {};
  for (const [name, value] of Object.entries(fields)) {
    if (directions) {
      found[name] = { [arg]: { field: value, direction: 'ASC' } };
      found[`-${name}`] = { [arg]: { field: value, direction: 'DESC' } };
    } else {
      found[name] = { [arg]: value };
    }
  }
  return found;
}

/** @returns {Route} */
function list(/** @type {string} */ viewset, /** @type {string} */ path, /** @type {string} */ field, extra = {}) {
  return { viewset, path, field, method: 'GET', kind: 'list', name: '', summary: `List (${viewset})`, ...extra };
}

/** @returns {Route} */
function retrieve(/** @type {string} */ viewset, /** @type {string} */ path, /** @type {string} */ field, extra = {}) {
  return { viewset, path, field, method: 'GET', kind: 'retrieve', name: '', summary: `Retrieve (${viewset})`, ...extra };
}

/** @returns {Route} */
function action(
  /** @type {string} */ viewset,
  /** @type {Route['method']} */ method,
  /** @type {string} */ path,
  /** @type {string} */ field,
  /** @type {Partial<Route>} */ extra = {},
) {
  return { viewset, path, field, method, kind: 'mutation', name: '', summary: `${field} (${viewset})`, ...extra };
}

const ID_FILTERS = { user: 'filter.userId' };
// Guest carts: a shopper who has not signed in keeps a cart by its `x-cart-token` header.
const GUEST = { public: true };

/** @type {Route[]} */
const TABLE = [
  // ---- accounts / identity -------------------------------------------------------------
  list('UserViewSet', '/api/users/', 'users', {
    params: { role: 'filter.role', kyc_status: 'filter.kycStatus', active: 'filter.active', email: 'filter.email' },
    ordering: sorted('sort', { '-created_at': 'NEWEST', email: 'EMAIL' }, { directions: false }),
  }),
  retrieve('UserViewSet', '/api/users/{id}/', 'user'),
  action('AuthViewSet', 'POST', '/api/auth/login/', 'login', { body: 'input', cookies: true, public: true }),
  action('AuthViewSet', 'POST', '/api/login/', 'login', { body: 'input', cookies: true, public: true }),
  action('AuthViewSet', 'POST', '/api/auth/refresh/', 'refreshToken', { body: 'args', cookies: true, public: true }),
  action('LogoutViewSet', 'POST', '/api/auth/logout/', 'logout', { cookies: true }),
  action('RegisterViewSet', 'POST', '/api/register/', 'register', { body: 'input', result: 'user', created: true, public: true }),
  action('PasswordResetViewSet', 'POST', '/api/password/request/', 'requestPasswordReset', {
    body: 'args',
    public: true,
  }),
  action('PasswordResetViewSet', 'POST', '/api/password/reset/', 'resetPassword', { body: 'args', public: true }),
  retrieve('PasswordResetViewSet', '/api/password/reset/{token}/', 'passwordResetTokenStatus', { public: true }),
  list('DeviceViewSet', '/api/devices/', 'devices', {
    params: { type: 'filter.type', state: 'filter.state', ...ID_FILTERS },
  }),
  retrieve('DeviceViewSet', '/api/devices/{id}/', 'device'),
  action('DeviceViewSet', 'POST', '/api/devices/revoke/', 'revokeDevices', { body: 'args' }),
  action('DeviceViewSet', 'PATCH', '/api/devices/{id}/', 'updateDevicePushToken', { body: 'args', result: 'device' }),
  action('KYCViewSet', 'POST', '/api/kyc/submit/', 'submitKyc', { upload: 'documents', result: 'submission', created: true }),
  retrieve('KYCViewSet', '/api/kyc/status/{user_id}/', 'kycStatus', { kind: 'object' }),
  list('SessionViewSet', '/api/sessions/', 'sessions', {
    params: { device: 'filter.deviceId', ip: 'filter.ip', active: 'filter.active', ...ID_FILTERS },
  }),
  retrieve('SessionViewSet', '/api/sessions/{id}/', 'session'),
  action('SessionViewSet', 'DELETE', '/api/sessions/{id}/', 'revokeSession', { noContent: true }),
  action('SessionViewSet', 'POST', '/api/sessions/logout-all/', 'logoutAllDevices', {}),
  retrieve('ProfileViewSet', '/api/profile/', 'me', { kind: 'object' }),
  action('ProfileViewSet', 'PATCH', '/api/profile/{user_id}/', 'updateProfile', { body: 'input', result: 'user' }),

  // ---- permissions and roles ----------------------------------------------------------
  list('RoleViewSet', '/api/roles/', 'roles', { params: { name: 'name' } }),
  retrieve('RoleViewSet', '/api/roles/{id}/', 'role'),
  action('RoleViewSet', 'POST', '/api/roles/', 'rolesBulkCreate', { body: 'roles', created: true }),
  list('PermissionViewSet', '/api/permissions/', 'permissions', { params: { resource: 'resource', action: 'action' } }),
  retrieve('PermissionViewSet', '/api/permissions/{id}/', 'permission'),
  action('PermissionViewSet', 'POST', '/api/permissions/', 'permissionsBulkCreate', {
    body: 'permissions',
    created: true,
  }),
  list('UserRoleViewSet', '/api/user-roles/', 'userRoles', { params: { user: 'userId', role: 'role' } }),
  retrieve('UserRoleViewSet', '/api/user-roles/{id}/', 'userRole'),
  action('UserRoleViewSet', 'POST', '/api/user-roles/', 'assignRoles', { body: 'assignments', created: true }),
  list('OrderPermissionViewSet', '/api/order-permissions/', 'orderPermissions', {
    params: { order_id: 'filter.orderId', role: 'filter.role', ...ID_FILTERS },
  }),
  retrieve('OrderPermissionViewSet', '/api/order-permissions/{id}/', 'orderPermission'),
  action('OrderPermissionViewSet', 'POST', '/api/order-permissions/', 'orderPermissionGrant', {
    body: 'input',
    result: 'orderPermission',
    created: true,
  }),
  action('OrderPermissionViewSet', 'DELETE', '/api/order-permissions/{id}/', 'orderPermissionRevoke', { noContent: true }),
  list('ReturnPermissionViewSet', '/api/return-permissions/', 'returnPermissions', {
    params: { return_id: 'filter.returnId', status: 'filter.status', role: 'filter.role' },
  }),
  retrieve('ReturnPermissionViewSet', '/api/return-permissions/{id}/', 'returnPermission'),
  list('ShipmentPermissionViewSet', '/api/shipment-permissions/', 'shipmentPermissions', {
    params: { shipment_id: 'filter.shipmentId', carrier: 'filter.carrier', role: 'filter.role' },
  }),
  retrieve('ShipmentPermissionViewSet', '/api/shipment-permissions/{id}/', 'shipmentPermission'),
  list('AdminOverrideViewSet', '/api/admin-overrides/', 'adminOverrides', {
    params: { resource: 'filter.resourceId', active: 'filter.active', ...ID_FILTERS },
  }),
  retrieve('AdminOverrideViewSet', '/api/admin-overrides/{id}/', 'adminOverride'),
  action('AdminOverrideViewSet', 'POST', '/api/admin-overrides/', 'adminOverrideOpen', {
    body: 'input',
    result: 'adminOverride',
    created: true,
  }),
  action('AdminOverrideViewSet', 'DELETE', '/api/admin-overrides/{id}/', 'adminOverrideRevoke', { result: 'adminOverride' }),

  // ---- products -------------------------------------------------------------------------
  list('ProductsViewSet', '/api/products/', 'products', {
    public: true,
    params: {
      category: 'filter.categoryId',
      brand: 'filter.brandIds',
      seller: 'filter.sellerId',
      min_price: 'filter.price.min',
      max_price: 'filter.price.max',
      in_stock: 'filter.inStock',
      status: 'filter.status',
      search: 'filter.search',
    },
    ordering: sorted('sort', { created_at: 'NEWEST', price: 'PRICE', title: 'TITLE', popularity: 'POPULARITY' }),
  }),
  retrieve('ProductsViewSet', '/api/products/{id}/', 'product', { public: true }),
  action('ProductsViewSet', 'POST', '/api/products/', 'productCreate', { body: 'input', result: 'product', created: true }),
  action('ProductsViewSet', 'PATCH', '/api/products/{id}/', 'productUpdate', { body: 'input', result: 'product' }),
  action('ProductsViewSet', 'PUT', '/api/products/{id}/', 'productUpdate', { body: 'input', result: 'product' }),
  action('ProductsViewSet', 'DELETE', '/api/products/{id}/', 'productDelete', { noContent: true }),
  action('ProductsViewSet', 'PUT', '/api/products/{id}/attributes/', 'productAttributeValuesSet', {
    body: 'values',
    result: 'product',
  }),
  list('CategoryViewSet', '/api/categories/', 'categories', {
    public: true,
    params: { parent: 'filter.parentId', roots_only: 'filter.rootsOnly', search: 'filter.search' },
  }),
  retrieve('CategoryViewSet', '/api/categories/{id}/', 'category', { public: true }),
  action('CategoryViewSet', 'POST', '/api/categories/', 'categoriesBulkCreate', { body: 'categories', created: true }),
  action('CategoryViewSet', 'PATCH', '/api/categories/', 'categoriesBulkUpdate', { body: 'categories' }),
  list('BrandViewSet', '/api/brands/', 'brands', { public: true, params: { search: 'filter.search' } }),
  retrieve('BrandViewSet', '/api/brands/{id}/', 'brand', { public: true }),
  action('BrandViewSet', 'POST', '/api/brands/', 'brandsBulkCreate', { body: 'brands', created: true }),
  action('BrandViewSet', 'PATCH', '/api/brands/', 'brandsBulkUpdate', { body: 'brands' }),
  list('ProductImageViewSet', '/api/product-images/', 'productImages', {
    public: true,
    params: { product: 'productId' },
    required: ['product'],
  }),
  retrieve('ProductImageViewSet', '/api/product-images/{id}/', 'productImage', { public: true }),
  action('ProductImageViewSet', 'POST', '/api/product-images/', 'productImagesBulkCreate', { body: 'args', created: true }),
  action('ProductImageViewSet', 'PATCH', '/api/product-images/', 'productImagesBulkUpdate', { body: 'args' }),
  action('ProductImageViewSet', 'DELETE', '/api/product-images/{id}/', 'productImageDelete', { noContent: true }),
  list('ProductVariantViewSet', '/api/variants/', 'variants', {
    public: true,
    params: { product: 'filter.productId', sku: 'filter.sku' },
  }),
  retrieve('ProductVariantViewSet', '/api/variants/{id}/', 'variant', { public: true }),
  action('ProductVariantViewSet', 'POST', '/api/variants/', 'productVariantsBulkCreate', { body: 'args', created: true }),
  action('ProductVariantViewSet', 'PATCH', '/api/variants/', 'productVariantsBulkUpdate', { body: 'args' }),
  action('ProductVariantViewSet', 'DELETE', '/api/variants/{id}/', 'productVariantDelete', { noContent: true }),
  list('ProductAttributeViewSet', '/api/attributes/', 'attributes', { public: true, params: { search: 'filter.search' } }),
  retrieve('ProductAttributeViewSet', '/api/attributes/{id}/', 'attribute', { public: true }),
  action('ProductAttributeViewSet', 'POST', '/api/attributes/', 'attributesBulkCreate', { body: 'attributes', created: true }),
  action('ProductAttributeViewSet', 'PATCH', '/api/attributes/', 'attributesBulkUpdate', { body: 'attributes' }),
  action('ProductAttributeViewSet', 'DELETE', '/api/attributes/{id}/', 'attributeDelete', { noContent: true }),
  list('InventoryViewSet', '/api/inventory/', 'inventory', {
    params: { variant: 'filter.variantId', warehouse: 'filter.warehouse', low_stock: 'filter.lowStock' },
  }),
  retrieve('InventoryViewSet', '/api/inventory/{id}/', 'inventoryItem'),
  action('InventoryViewSet', 'POST', '/api/inventory/adjust/', 'adjustInventory', { body: 'input' }),

  // ---- cart and wishlist -------------------------------------------------------------
  retrieve('CartViewSet', '/api/cart/', 'cart', { kind: 'object', ...GUEST }),
  retrieve('CartViewSet', '/api/cart/{id}/', 'cart', GUEST),
  list('CartItemViewSet', '/api/cart-items/', 'cartItems', {
    ...GUEST,
    params: { seller: 'filter.sellerId', product: 'filter.productId', has_problems: 'filter.hasProblems' },
    ordering: sorted('sort', { added_at: 'ADDED_AT', updated_at: 'UPDATED_AT', unit_price: 'UNIT_PRICE', quantity: 'QUANTITY' }),
  }),
  retrieve('CartItemViewSet', '/api/cart-items/{id}/', 'cartItem', GUEST),
  action('CartItemViewSet', 'POST', '/api/cart-items/', 'addToCart', { body: 'args', result: 'cart', created: true, ...GUEST }),
  action('CartItemViewSet', 'PATCH', '/api/cart-items/{id}/', 'updateCartItem', { body: 'args', result: 'cart', ...GUEST }),
  action('CartItemViewSet', 'DELETE', '/api/cart-items/{id}/', 'removeCartItem', { body: 'args', noContent: true, ...GUEST }),
  action('CartItemViewSet', 'POST', '/api/cart-items/bulk/', 'cartItemsBulkAdd', { body: 'args', result: 'cart', ...GUEST }),
  action('CartItemViewSet', 'PATCH', '/api/cart-items/', 'cartItemsBulkUpdate', { body: 'args', result: 'cart', ...GUEST }),
  action('CartItemViewSet', 'POST', '/api/cart-items/bulk-delete/', 'cartItemsBulkRemove', { body: 'args', result: 'cart', ...GUEST }),
  list('WishlistViewSet', '/api/wishlists/', 'wishlists'),
  retrieve('WishlistViewSet', '/api/wishlists/{id}/', 'wishlist'),
  action('WishlistViewSet', 'POST', '/api/wishlists/', 'createWishlist', { body: 'args', result: 'wishlist', created: true }),
  action('WishlistViewSet', 'DELETE', '/api/wishlists/{id}/', 'deleteWishlist', { noContent: true }),
  list('WishlistItemViewSet', '/api/wishlist-items/', 'wishlistItems', {
    params: { wishlist: 'wishlistId', product: 'filter.productId', seller: 'filter.sellerId' },
    ordering: { added_at: { sort: { direction: 'ASC' } }, '-added_at': { sort: { direction: 'DESC' } } },
  }),
  retrieve('WishlistItemViewSet', '/api/wishlist-items/{id}/', 'wishlistItem'),
  action('WishlistItemViewSet', 'POST', '/api/wishlist-items/', 'addToWishlist', { body: 'args', created: true }),
  action('WishlistItemViewSet', 'DELETE', '/api/wishlist-items/{id}/', 'removeFromWishlist', { noContent: true }),
  action('WishlistItemViewSet', 'POST', '/api/wishlist-items/bulk/', 'wishlistItemsBulkAdd', { body: 'args', created: true }),
  action('WishlistItemViewSet', 'POST', '/api/wishlist-items/bulk-delete/', 'wishlistItemsBulkRemove', { body: 'args' }),

  // ---- search and recommendations ---------------------------------------------------
  list('SearchViewSet', '/api/search/', 'search', {
    public: true,
    params: {
      q: 'query',
      category: 'filter.categoryIds',
      brand: 'filter.brandIds',
      seller: 'filter.sellerIds',
      min_price: 'filter.priceMin',
      max_price: 'filter.priceMax',
      in_stock: 'filter.inStock',
    },
    ordering: {
      relevance: { sort: 'RELEVANCE' },
      price: { sort: 'PRICE_ASC' },
      '-price': { sort: 'PRICE_DESC' },
      '-created_at': { sort: 'NEWEST' },
      '-popularity': { sort: 'POPULARITY' },
    },
  }),
  retrieve('RecommendationViewSet', '/api/recommendations/user/{user_id}/', 'recommendationsForUser', { kind: 'object' }),
  retrieve('RecommendationViewSet', '/api/recommendations/product/{product_id}/', 'recommendationsForProduct', {
    kind: 'object',
    public: true,
  }),
  list('RecommendationRuleViewSet', '/api/rules/', 'recommendationRules', {
    params: { kind: 'filter.kind', scope: 'filter.scope', target: 'filter.targetId', product: 'filter.productId', active: 'filter.active' },
  }),
  retrieve('RecommendationRuleViewSet', '/api/rules/{id}/', 'recommendationRule'),
  action('RecommendationRuleViewSet', 'POST', '/api/rules/', 'recommendationRulesBulkCreate', { body: 'rules', created: true }),
  action('RecommendationRuleViewSet', 'PATCH', '/api/rules/', 'recommendationRulesBulkUpdate', { body: 'rules' }),
  action('RecommendationRuleViewSet', 'DELETE', '/api/rules/{id}/', 'recommendationRuleDelete', { noContent: true }),
  list('RecommendationLogViewSet', '/api/logs/', 'recommendationLogs', {
    params: {
      product: 'filter.productId',
      rule: 'filter.ruleId',
      reaction: 'filter.reaction',
      date_after: 'filter.after',
      date_before: 'filter.before',
      ...ID_FILTERS,
    },
  }),
  retrieve('RecommendationLogViewSet', '/api/logs/{id}/', 'recommendationLog'),
  action('RecommendationLogViewSet', 'POST', '/api/logs/', 'trackRecommendations', { body: 'events', created: true }),

  // ---- orders --------------------------------------------------------------------------
  list('OrderViewSet', '/api/orders/', 'orders', {
    params: {
      scope: 'filter.scope',
      status: 'filter.status',
      date_after: 'filter.createdAfter',
      date_before: 'filter.createdBefore',
      buyer: 'filter.buyerId',
      seller: 'filter.sellerId',
    },
    ordering: sorted('sort', { created_at: 'CREATED_AT', grand_total: 'GRAND_TOTAL' }),
  }),
  retrieve('OrderViewSet', '/api/orders/{id}/', 'order'),
  action('OrderViewSet', 'POST', '/api/orders/{id}/cancel/', 'orderCancel', { body: 'args', result: 'order' }),
  action('OrderViewSet', 'PATCH', '/api/orders/{id}/', 'orderUpdateStatus', { body: 'args', result: 'order' }),
  action('OrderViewSet', 'POST', '/api/checkout/', 'checkout', { body: 'input', result: 'checkout', created: true }),
  list('OrderItemViewSet', '/api/order-items/', 'orderItems', {
    params: { scope: 'filter.scope', seller: 'filter.sellerId', product: 'filter.productId', sku: 'filter.sku', order: 'filter.orderId' },
  }),
  retrieve('OrderItemViewSet', '/api/order-items/{id}/', 'orderItem'),
  list('ShipmentViewSet', '/api/shipments/', 'shipments', {
    params: { scope: 'filter.scope', carrier: 'filter.carrier', status: 'filter.status', order: 'filter.orderId' },
  }),
  retrieve('ShipmentViewSet', '/api/shipments/{id}/', 'shipment'),
  action('ShipmentViewSet', 'POST', '/api/shipments/', 'shipmentCreate', { body: 'input', result: 'shipment', created: true }),
  list('ReturnViewSet', '/api/returns/', 'returns', {
    params: {
      scope: 'filter.scope',
      status: 'filter.status',
      reason: 'filter.reason',
      date_after: 'filter.createdAfter',
      date_before: 'filter.createdBefore',
      seller: 'filter.sellerId',
      order: 'filter.orderId',
    },
  }),
  retrieve('ReturnViewSet', '/api/returns/{id}/', 'return'),
  action('ReturnViewSet', 'POST', '/api/returns/', 'returnRequest', { body: 'input', result: 'return', created: true }),
  action('ReturnViewSet', 'POST', '/api/returns/{id}/approve/', 'returnApprove', { body: 'args', result: 'return' }),
  action('ReturnViewSet', 'POST', '/api/returns/{id}/reject/', 'returnReject', { body: 'args', result: 'return' }),
  action('ReturnViewSet', 'POST', '/api/returns/{id}/receive/', 'returnReceive', { body: 'args', result: 'return' }),
  action('ReturnViewSet', 'POST', '/api/returns/bulk-update/', 'returnsBulkUpdate', { body: 'args' }),
];

/** The operation's name: the path's words and the kind, e.g. `RestProductsList`, `RestOrdersIdCancel`. */
function operationName(/** @type {Route} */ route) {
  const words = route.path
    .replace(/^\/api\//, '')
    .split(/[/\-_]/)
    .filter(Boolean)
    .map((w) => w.replace(/[{}]/g, ''))
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  const verb = { GET: route.kind === 'list' ? 'List' : 'Get', POST: 'Post', PUT: 'Put', PATCH: 'Patch', DELETE: 'Delete' }[route.method];
  return `Rest${words.join('')}${verb}`;
}

/** @type {Route[]} */
export const ROUTES = TABLE.map((r) => ({ ...r, name: operationName(r) }));
