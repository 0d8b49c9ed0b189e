// Package archtest holds the test that keeps the packages' dependencies
// pointing one way: lang → compiler → runtime, with runtime/stats pure,
// and decisions and the store apart from the renderers' plotting
// (ARCHITECTURE.md, "Packages").
package archtest
