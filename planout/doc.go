// Package planout renders the outputs of `aksnet plan` for people and for
// clusters: the Markdown report a platform team takes to the network team
// ([Report]), an SVG picture of each address pool drawn to scale
// ([AddressMap]) and the NetworkPolicy baseline manifests
// ([NetworkPolicies]).
//
// Renderers write to the io.Writer they are given; they never open files.
// Their output depends only on their input, so the same plan always
// renders to the same bytes.
package planout
