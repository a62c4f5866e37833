"""The export API's routers."""
